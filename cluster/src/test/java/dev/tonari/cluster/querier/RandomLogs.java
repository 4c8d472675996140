package dev.tonari.cluster.querier;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random pushes with what makes a merge hard: equal timestamps (kept in push order), the
 * same (timestamp, line) pushed twice, structured metadata, non-ASCII text, empty lines.
 */
final class RandomLogs {
  record Push(String tenant, StreamBatch batch) {}

  private static final String[] WORDS = {"GET", "POST", "error", "timeout", "ok", "ユーザー", "naïve", "", "user=42", "{\"level\":\"warn\"}"};

  private RandomLogs() {}

  static List<Labels> streams(Random random, int count) {
    List<Labels> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Labels labels = random.nextInt(3) == 0
          ? Labels.of("app", "app-" + random.nextInt(4), "env", random.nextBoolean() ? "prod" : "dev", "pod", "p" + i)
          : Labels.of("app", "app-" + random.nextInt(4), "pod", "p" + i);
      streams.add(labels);
    }
    return streams;
  }

  static String line(Random random) {
    StringBuilder line = new StringBuilder();
    int words = random.nextInt(5);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        line.append(' ');
      }
      line.append(WORDS[random.nextInt(WORDS.length)]);
    }
    if (random.nextInt(4) > 0) {
      line.append(" n=").append(random.nextInt(50));
    }
    return line.toString();
  }

  static Labels metadata(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Labels.of("trace_id", Integer.toHexString(random.nextInt(1 << 16)));
      case 1 -> Labels.of("trace_id", "abc", "user", "u" + random.nextInt(3));
      default -> Labels.EMPTY;
    };
  }

  /** Pushes of {@code batches} small batches over the streams, timestamps in [0, 1000) so many collide. */
  static List<Push> pushes(Random random, List<String> tenants, List<Labels> streams, int batches) {
    List<Push> pushes = new ArrayList<>();
    List<LogEntry> recent = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      List<LogEntry> entries = new ArrayList<>();
      int size = 1 + random.nextInt(6);
      for (int j = 0; j < size; j++) {
        if (!recent.isEmpty() && random.nextInt(10) == 0) {
          // A retried push: the same (timestamp, line), which every read must return once.
          entries.add(recent.get(random.nextInt(recent.size())));
        } else {
          LogEntry entry = new LogEntry(random.nextInt(1000), line(random), metadata(random));
          entries.add(entry);
          recent.add(entry);
        }
      }
      pushes.add(new Push(tenants.get(random.nextInt(tenants.size())), new StreamBatch(streams.get(random.nextInt(streams.size())), entries)));
    }
    return pushes;
  }
}
