package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** Random reads asked of a cluster and of a reference store, whose answers must be equal. */
final class ClusterReadChecks {
  private ClusterReadChecks() {}

  record Query(String tenant, Predicate<Labels> selector, String selectorText, long from, long to, Direction direction, String needle, int perStreamLimit) {
    SelectRequest request() {
      LinePredicate filter = needle == null ? LinePredicate.ALL : (buffer, offset, length) -> new String(buffer, offset, length, StandardCharsets.UTF_8).contains(needle);
      return new SelectRequest(tenant, selector, from, to, direction, filter, needle == null ? List.of() : List.of(needle));
    }

    @Override
    public String toString() {
      return tenant + " " + selectorText + " [" + from + ", " + to + ") " + direction + (needle == null ? "" : " |= " + needle) + " limit " + perStreamLimit;
    }
  }

  static Query randomQuery(Random random, List<String> tenants) {
    String tenant = tenants.get(random.nextInt(tenants.size()));
    String app = "app-" + random.nextInt(4);
    Predicate<Labels> selector;
    String text;
    switch (random.nextInt(3)) {
      case 0 -> {
        selector = labels -> true;
        text = "{}";
      }
      case 1 -> {
        selector = labels -> app.equals(labels.get("app"));
        text = "{app=" + app + "}";
      }
      default -> {
        selector = labels -> "prod".equals(labels.get("env"));
        text = "{env=prod}";
      }
    }
    long from = random.nextInt(3) == 0 ? Long.MIN_VALUE : random.nextInt(900);
    long to = random.nextInt(3) == 0 ? Long.MAX_VALUE : Math.max(from, 0) + random.nextInt(600);
    String needle = random.nextInt(3) == 0 ? (random.nextBoolean() ? "error" : "n=1") : null;
    int limit = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(5);
    return new Query(tenant, selector, text, from, to, random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD, needle, limit);
  }

  /** The first {@code perStreamLimit} entries of every stream, as a consumer that stops early reads them. */
  static List<HeadProtocolTest.Entry> read(LogStore store, Query query) throws IOException {
    List<EntryCursor> cursors = store.select(query.request());
    List<HeadProtocolTest.Entry> entries = new ArrayList<>();
    Labels previous = null;
    for (EntryCursor cursor : cursors) {
      assertThat(previous == null || previous.compareTo(cursor.labels()) < 0).as("cursors in label order, one per stream").isTrue();
      previous = cursor.labels();
      int taken = 0;
      List<EntryCursor> one = new ArrayList<>();
      while (taken < query.perStreamLimit() && cursor.next()) {
        byte[] line = java.util.Arrays.copyOfRange(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineOffset() + cursor.lineLength());
        List<Byte> bytes = new ArrayList<>();
        for (byte b : line) {
          bytes.add(b);
        }
        entries.add(new HeadProtocolTest.Entry(cursor.labels(), cursor.timestamp(), bytes, cursor.metadata()));
        taken++;
      }
      one.add(cursor);
      EntryCursor.closeAll(one, null);
    }
    return entries;
  }

  /** Every read of the query gives the reference's answer. */
  static void assertSameAnswers(LogStore cluster, LogStore reference, Query query, String context) throws IOException {
    assertThat(read(cluster, query)).as("select %s, %s", query, context).isEqualTo(read(reference, query));
    assertThat(cluster.series(query.tenant(), query.selector(), query.from(), query.to())).as("series %s, %s", query, context)
        .isEqualTo(reference.series(query.tenant(), query.selector(), query.from(), query.to()));
    assertThat(cluster.labelNames(query.tenant(), query.from(), query.to())).as("label names %s, %s", query, context)
        .isEqualTo(reference.labelNames(query.tenant(), query.from(), query.to()));
    for (String name : List.of("app", "env", "pod")) {
      assertThat(cluster.labelValues(query.tenant(), name, query.from(), query.to())).as("values of %s %s, %s", name, query, context)
          .isEqualTo(reference.labelValues(query.tenant(), name, query.from(), query.to()));
    }
  }

  /** Entries and bytes per stream; chunks differ by construction (each side counts its own). */
  static List<List<Object>> volumeFigures(List<StreamVolume> volumes) {
    return volumes.stream().map(volume -> List.<Object>of(volume.labels(), volume.entries(), volume.bytes())).toList();
  }
}
