package dev.tonari.query.drilldown;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fields found in logfmt and JSON lines and in structured metadata, with Loki's parsers, types, paths and counts. */
class DetectedFieldsTest {
  private static final Labels CHECKOUT = Labels.of("service_name", "checkout");

  @Test
  void logfmtJsonAndStructuredMetadataFields() {
    DetectedFields fields = new DetectedFields(1000);
    fields.add(CHECKOUT, "level=info msg=placed order_id=1 duration=35ms amount=12.5", Labels.of("detected_level", "info"));
    fields.add(CHECKOUT, "level=error msg=failed order_id=2 duration=1.5s amount=3", Labels.of("detected_level", "error"));
    fields.add(CHECKOUT, "{\"user\":{\"id\":\"u-1\",\"plan\":\"pro\"},\"cached\":true,\"service_name\":\"x\",\"tags\":[1,2]}",
        Labels.of("trace_id", "abc"));
    assertThat(fields.fields()).containsExactly(
        new DetectedFields.Field("amount", FieldType.FLOAT, 2, List.of("logfmt"), List.of()),
        new DetectedFields.Field("cached", FieldType.BOOLEAN, 1, List.of("json"), List.of("cached")),
        new DetectedFields.Field("detected_level", FieldType.STRING, 2, null, List.of()),
        new DetectedFields.Field("duration", FieldType.DURATION, 2, List.of("logfmt"), List.of()),
        new DetectedFields.Field("level", FieldType.STRING, 2, List.of("logfmt"), List.of()),
        new DetectedFields.Field("msg", FieldType.STRING, 2, List.of("logfmt"), List.of()),
        new DetectedFields.Field("order_id", FieldType.INT, 2, List.of("logfmt"), List.of()),
        new DetectedFields.Field("service_name_extracted", FieldType.STRING, 1, List.of("json"), List.of("service_name")),
        new DetectedFields.Field("trace_id", FieldType.STRING, 1, null, List.of()),
        new DetectedFields.Field("user_id", FieldType.STRING, 1, List.of("json"), List.of("user", "id")),
        new DetectedFields.Field("user_plan", FieldType.STRING, 1, List.of("json"), List.of("user", "plan")));
    assertThat(fields.values("order_id")).containsExactly("1", "2");
    assertThat(fields.values("nope")).isEmpty();
  }

  @Test
  void aFieldFoundByBothParsersListsBoth() {
    DetectedFields fields = new DetectedFields(1000);
    fields.add(CHECKOUT, "status=200", Labels.EMPTY);
    fields.add(CHECKOUT, "{\"status\":500}", Labels.EMPTY);
    assertThat(fields.fields()).containsExactly(new DetectedFields.Field("status", FieldType.INT, 2, List.of("logfmt", "json"), List.of("status")));
  }

  @Test
  void theTypeIsTakenFromTheFirstValueOfEachStream() {
    DetectedFields fields = new DetectedFields(1000);
    fields.add(CHECKOUT, "took=5", Labels.EMPTY);
    fields.add(CHECKOUT, "took=slow", Labels.EMPTY);
    assertThat(fields.fields().get(0).type()).isEqualTo(FieldType.INT);
    fields.add(Labels.of("service_name", "cart"), "took=10ms", Labels.EMPTY);
    assertThat(fields.fields().get(0).type()).isEqualTo(FieldType.DURATION);
  }

  @Test
  void fieldsPastTheLimitAreIgnored() {
    DetectedFields fields = new DetectedFields(2);
    fields.add(CHECKOUT, "a=1 b=2 c=3", Labels.EMPTY);
    assertThat(fields.fields()).extracting(DetectedFields.Field::label).containsExactly("a", "b");
  }

  @Test
  void linesThatNeitherParserReadsGiveNoFields() {
    DetectedFields fields = new DetectedFields(10);
    fields.add(CHECKOUT, "just some words", Labels.EMPTY);
    fields.add(CHECKOUT, "{\"broken\": ", Labels.EMPTY);
    assertThat(fields.fields()).isEmpty();
  }
}
