package dev.tonari.cluster.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.testing.KafkaBroker;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The push log on a real Kafka (child JVM, KRaft): round trip, a dead broker, topic checks. */
class KafkaPushLogTest {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();
  private static final AtomicInteger TOPICS = new AtomicInteger();

  static KafkaSettings settings(String bootstrap, String topic, int partitions) {
    return KafkaSettings.defaults(bootstrap, topic, partitions).withReplicationFactor(1).withConsumerGroup(topic + "-group").withSessionTimeout(Duration.ofSeconds(3));
  }

  @Test
  void everyBatchIsConsumedOnceInTheStablePartitionOfItsStream() throws Exception {
    KafkaSettings settings = settings(KAFKA.server().bootstrapServers(), "round-trip-" + TOPICS.incrementAndGet(), 4);
    assertThat(KafkaTopics.ensure(settings)).isTrue();
    assertThat(KafkaTopics.ensure(settings)).isFalse();
    assertThatThrownBy(() -> KafkaTopics.ensure(settings(KAFKA.server().bootstrapServers(), settings.topic(), 6)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(settings.topic())
        .hasMessageContaining("has 4 partitions, but kafka.partitions is 6");

    Random random = new Random(42);
    Map<String, Integer> expectedLines = new HashMap<>();
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "test-distributor")) {
      for (int push = 0; push < 40; push++) {
        String tenant = "tenant-" + random.nextInt(3);
        List<StreamBatch> streams = new ArrayList<>();
        for (int s = 0; s < 1 + random.nextInt(4); s++) {
          Labels labels = Labels.of(Map.of("app", "app-" + random.nextInt(6), "push", Integer.toString(push)));
          List<LogEntry> entries = new ArrayList<>();
          for (int e = 0; e < 1 + random.nextInt(20); e++) {
            String line = "push " + push + " stream " + s + " line " + e + " ünïcode";
            entries.add(new LogEntry(1_000_000_000L * push + e, line, Labels.EMPTY));
            expectedLines.merge(tenant + "|" + labels + "|" + line, 1, Integer::sum);
          }
          streams.add(new StreamBatch(labels, entries));
        }
        pushLog.append(tenant, streams);
      }
    }

    Map<String, Integer> consumedLines = new ConcurrentHashMap<>();
    Set<String> misplaced = ConcurrentHashMap.newKeySet();
    AtomicInteger total = new AtomicInteger();
    PartitionConsumer.Listener listener = new PartitionConsumer.Listener() {
      @Override
      public Map<Integer, Long> assigned(Map<Integer, Long> endOffsets) {
        Map<Integer, Long> starts = new HashMap<>();
        endOffsets.keySet().forEach(partition -> starts.put(partition, 0L));
        return starts;
      }

      @Override
      public void revoked(Set<Integer> partitions) {}

      @Override
      public void lost(Set<Integer> partitions) {}

      @Override
      public void records(List<PushLogRecord> records) {
        for (PushLogRecord record : records) {
          for (StreamBatch stream : record.streams()) {
            if (PushLog.partitionOf(record.tenant(), stream.labels().toString(), 4) != record.partition()) {
              misplaced.add(record.tenant() + " " + stream.labels() + " in " + record.partition());
            }
            for (LogEntry entry : stream.entries()) {
              consumedLines.merge(record.tenant() + "|" + stream.labels() + "|" + entry.line(), 1, Integer::sum);
              total.incrementAndGet();
            }
          }
        }
      }

      @Override
      public void polled() {}
    };
    int expectedTotal = expectedLines.values().stream().mapToInt(Integer::intValue).sum();
    try (PartitionConsumer consumer = new PartitionConsumer(settings, "test-ingester", listener)) {
      consumer.start();
      awaitCondition(Duration.ofSeconds(60), () -> total.get() >= expectedTotal);
    }
    assertThat(misplaced).isEmpty();
    assertThat(consumedLines).isEqualTo(expectedLines);
  }

  @Test
  void aStoppedBrokerGivesUnavailableWithinSecondsAndAppendsWorkWhenItIsBack() throws Exception {
    KafkaSettings settings = settings(KAFKA.server().bootstrapServers(), "outage-" + TOPICS.incrementAndGet(), 2);
    KafkaTopics.ensure(settings);
    StreamBatch batch = new StreamBatch(Labels.of(Map.of("app", "api")), List.of(new LogEntry(1, "before the outage", Labels.EMPTY)));
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "outage-distributor")) {
      pushLog.append("acme", List.of(batch));
      KAFKA.server().kill();
      try {
        long started = System.nanoTime();
        assertThatThrownBy(() -> pushLog.append("acme", List.of(batch)))
            .isInstanceOfSatisfying(PushLogUnavailableException.class, e -> assertThat(e.retryAfterSeconds()).isBetween(1L, 30L))
            .hasMessageContaining("tenant acme")
            .hasMessageContaining("topic " + settings.topic())
            .hasMessageContaining("partition " + PushLog.partitionOf("acme", batch.labels().toString(), 2));
        // delivery.timeout.ms (6 s) plus scheduling slack on a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
      } finally {
        KAFKA.server().start();
      }
      // The leader is elected again within seconds of the restart; a push may be refused until then.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try {
          pushLog.append("acme", List.of(new StreamBatch(batch.labels(), List.of(new LogEntry(2, "after the outage", Labels.EMPTY)))));
          break;
        } catch (PushLogUnavailableException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
    }
  }

  @Test
  void aBatchLargerThanOneRecordIsSplitInOrder() {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      entries.add(new LogEntry(i, "x".repeat(1000) + i, Labels.EMPTY));
    }
    StreamBatch big = new StreamBatch(Labels.of(Map.of("app", "big")), entries);
    List<StreamBatch> chunks = KafkaPushLog.chunks(big);
    assertThat(chunks).hasSizeGreaterThan(3);
    List<LogEntry> joined = new ArrayList<>();
    chunks.forEach(chunk -> {
      assertThat(chunk.labels()).isEqualTo(big.labels());
      joined.addAll(chunk.entries());
    });
    assertThat(joined).isEqualTo(entries);
  }

  static void awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
