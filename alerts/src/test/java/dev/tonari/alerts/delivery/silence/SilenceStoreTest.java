package dev.tonari.alerts.delivery.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.ChecksummedFile;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilenceStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static String postable(String extra, String startsAt, String endsAt) {
    return """
        {%s"matchers": [{"name": "alertname", "value": "Down", "isRegex": false},
                        {"name": "job", "value": "api|web", "isRegex": true, "isEqual": true}],
         "startsAt": "%s", "endsAt": "%s", "createdBy": "ops@example.com", "comment": "maintenance"}
        """.formatted(extra, startsAt, endsAt);
  }

  @Test
  void createsListsSilencesExpiresAndPersists() throws Exception {
    MutableClock clock = new MutableClock(T0);
    SilenceStore store = new SilenceStore(temp, clock);
    String id = store.create("acme", SilenceJson.parsePostable(postable("", "2026-03-01T09:00:00Z", "2026-03-01T12:00:00Z")));
    Silence silence = store.get("acme", id).orElseThrow();
    assertThat(silence.startsAt()).isEqualTo(T0);
    assertThat(store.silencing("acme", Map.of("alertname", "Down", "job", "web"), T0)).contains(silence);
    assertThat(store.silencing("acme", Map.of("alertname", "Down", "job", "db"), T0)).isEmpty();
    assertThat(store.silencing("other", Map.of("alertname", "Down", "job", "web"), T0)).isEmpty();

    JsonNode json = SilenceJson.toJson(silence, T0);
    assertThat(json.get("id").asText()).isEqualTo(id);
    assertThat(json.get("status").get("state").asText()).isEqualTo("active");
    assertThat(json.get("matchers").get(1)).isEqualTo(JSON.readTree("{\"name\":\"job\",\"value\":\"api|web\",\"isRegex\":true,\"isEqual\":true}"));
    assertThat(json.get("startsAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(json.get("createdBy").asText()).isEqualTo("ops@example.com");

    String pending = store.create("acme", SilenceJson.parsePostable(postable("", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")));
    assertThat(store.get("acme", pending).orElseThrow().state(T0)).isEqualTo(Silence.State.PENDING);

    // A restart reads the same silences back.
    SilenceStore reopened = new SilenceStore(temp, clock);
    assertThat(reopened.list("acme")).extracting(Silence::id).containsExactlyInAnyOrder(id, pending);
    assertThat(reopened.get("acme", id)).contains(silence);

    clock.advance(Duration.ofMinutes(5));
    reopened.expire("acme", id);
    assertThat(reopened.get("acme", id).orElseThrow().state(clock.instant())).isEqualTo(Silence.State.EXPIRED);
    assertThat(reopened.silencing("acme", Map.of("alertname", "Down", "job", "web"), clock.instant())).isEmpty();
    assertThatThrownBy(() -> reopened.expire("acme", id)).isInstanceOf(InvalidSilenceException.class).hasMessageContaining("already expired");
    assertThatThrownBy(() -> reopened.expire("acme", "nope")).isInstanceOfSatisfying(InvalidSilenceException.class, e -> assertThat(e.notFound()).isTrue());

    // Updating a pending silence in place, and forgetting expired ones after the retention.
    reopened.create("acme", SilenceJson.parsePostable(postable("\"id\": \"" + pending + "\",", "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z")));
    assertThat(reopened.get("acme", pending).orElseThrow().endsAt()).isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
    assertThatThrownBy(() -> reopened.create("acme", SilenceJson.parsePostable(postable("\"id\": \"" + id + "\",", "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z"))))
        .hasMessageContaining("has expired and cannot be changed");
    clock.advance(SilenceStore.RETENTION.plusHours(1));
    reopened.create("acme", SilenceJson.parsePostable(postable("", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z")));
    assertThat(reopened.get("acme", id)).isEmpty();
    assertThat(ChecksummedFile.read(temp.resolve("acme.silences"), SilenceStore.FORMAT, SilenceStore.VERSION)).isNotEmpty();
  }

  @Test
  void refusesSilencesThatBreakAlertmanagersRules() throws Exception {
    SilenceStore store = new SilenceStore(temp, new MutableClock(T0));
    assertThatThrownBy(() -> store.create("acme", SilenceJson.parsePostable(postable("", "2026-03-01T12:00:00Z", "2026-03-01T11:00:00Z"))))
        .hasMessageContaining("must be after startsAt");
    assertThatThrownBy(() -> store.create("acme", SilenceJson.parsePostable(postable("", "2026-02-01T12:00:00Z", "2026-02-02T11:00:00Z"))))
        .hasMessageContaining("in the past");
    assertThatThrownBy(() -> store.create("acme", SilenceJson.parsePostable(
        "{\"matchers\":[{\"name\":\"job\",\"value\":\".*\",\"isRegex\":true}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\",\"createdBy\":\"a\",\"comment\":\"b\"}")))
        .hasMessageContaining("must not match the empty string");
    assertThatThrownBy(() -> SilenceJson.parsePostable("{\"matchers\":[],\"startsAt\":\"x\"}")).hasMessageContaining("silence.startsAt");
    assertThatThrownBy(() -> SilenceJson.parsePostable(postable("", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z").replace("\"comment\": \"maintenance\"", "\"comment\": \"\"")))
        .hasMessageContaining("silence.comment is required");
    assertThatThrownBy(() -> store.create("acme", SilenceJson.parsePostable(postable("\"id\": \"unknown\",", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"))))
        .isInstanceOfSatisfying(InvalidSilenceException.class, e -> assertThat(e.notFound()).isTrue());
    assertThatThrownBy(() -> store.create("../x", SilenceJson.parsePostable(postable("", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"))))
        .hasMessageContaining("unsupported character");
    Files.writeString(temp.resolve("broken.silences"), "garbage");
    assertThatThrownBy(() -> store.list("broken")).isInstanceOf(ChecksummedFile.DamagedFileException.class).hasMessageContaining("broken.silences");
  }

  @Test
  void postableParserThrowsOnlyItsExceptionOnGarbage() {
    Random random = new Random(7);
    String valid = postable("", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z");
    for (int run = 0; run < 3000; run++) {
      StringBuilder text = new StringBuilder(valid);
      int edits = 1 + random.nextInt(6);
      for (int i = 0; i < edits && !text.isEmpty(); i++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, "{}[]\",:0atn\\-".charAt(random.nextInt(13)));
          default -> text.setCharAt(at, (char) random.nextInt(0x80));
        }
      }
      try {
        SilenceJson.parsePostable(text.toString());
      } catch (InvalidSilenceException expected) {
        assertThat(expected.getMessage()).startsWith("silence");
      } catch (RuntimeException e) {
        throw new AssertionError("threw " + e + " for " + text, e);
      }
    }
  }
}
