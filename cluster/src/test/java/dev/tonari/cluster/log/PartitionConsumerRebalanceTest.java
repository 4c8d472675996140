package dev.tonari.cluster.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.cluster.catalog.InMemoryClusterCatalog;
import dev.tonari.cluster.catalog.OffsetCommit;
import dev.tonari.cluster.testing.KafkaBroker;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two consumers of one group hand partitions over (a join, then a member that vanishes without
 * leaving, as kill -9 would) while a distributor pushes; offsets are committed into the catalog
 * fake with the fencing the ingesters rely on. Every pushed line is committed exactly once.
 */
class PartitionConsumerRebalanceTest {
  private static final int PARTITIONS = 6;
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  /** What an ingester does with offsets, without a store: records are "flushed" by committing them with their offsets. */
  static final class CommittingListener implements PartitionConsumer.Listener {
    private final String member;
    private final String topic;
    private final ClusterCatalog catalog;
    private final Map<String, Integer> committedLines;
    private final Map<Integer, Long> startOffsets = new HashMap<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final List<String> pendingLines = new ArrayList<>();
    volatile int fencedCommits;

    CommittingListener(String member, String topic, ClusterCatalog catalog, Map<String, Integer> committedLines) {
      this.member = member;
      this.topic = topic;
      this.catalog = catalog;
      this.committedLines = committedLines;
    }

    @Override
    public Map<Integer, Long> assigned(Map<Integer, Long> endOffsets) {
      Map<Integer, Long> committed = catalog.committedOffsets(topic);
      Map<Integer, Long> starts = new HashMap<>();
      for (int partition : endOffsets.keySet()) {
        long start = committed.getOrDefault(partition, -1L);
        startOffsets.put(partition, start);
        nextOffsets.put(partition, Math.max(0, start));
        starts.put(partition, Math.max(0, start));
      }
      return starts;
    }

    @Override
    public void revoked(Set<Integer> partitions) {
      commit();
      partitions.forEach(startOffsets::remove);
      partitions.forEach(nextOffsets::remove);
    }

    @Override
    public void lost(Set<Integer> partitions) {
      pendingLines.clear();
      partitions.forEach(startOffsets::remove);
      partitions.forEach(nextOffsets::remove);
    }

    @Override
    public void records(List<PushLogRecord> records) {
      for (PushLogRecord record : records) {
        for (StreamBatch stream : record.streams()) {
          stream.entries().forEach(entry -> pendingLines.add(entry.line()));
        }
        nextOffsets.put(record.partition(), record.offset() + 1);
      }
      if (pendingLines.size() >= 25) {
        commit();
      }
    }

    @Override
    public void polled() {}

    void commit() {
      List<OffsetCommit> offsets = new ArrayList<>();
      startOffsets.forEach((partition, start) -> offsets.add(new OffsetCommit(topic, partition, start, nextOffsets.get(partition), member)));
      synchronized (committedLines) {
        try {
          catalog.commit(List.of(), List.of(), offsets);
        } catch (FencedException e) {
          fencedCommits++;
          pendingLines.clear();
          return;
        }
        pendingLines.forEach(line -> committedLines.merge(line, 1, Integer::sum));
      }
      pendingLines.clear();
      offsets.forEach(commit -> startOffsets.put(commit.partition(), commit.nextOffset()));
    }
  }

  @Test
  void partitionsMoveOnJoinAndOnAVanishedMemberWithoutLosingOrDoublingARecord() throws Exception {
    KafkaSettings settings = KafkaPushLogTest.settings(KAFKA.server().bootstrapServers(), "rebalance", PARTITIONS);
    KafkaTopics.ensure(settings);
    ClusterCatalog catalog = new InMemoryClusterCatalog();
    Map<String, Integer> committedLines = new TreeMap<>();
    List<String> pushed = new ArrayList<>();
    CommittingListener first = new CommittingListener("ingester-a", settings.topic(), catalog, committedLines);
    CommittingListener second = new CommittingListener("ingester-b", settings.topic(), catalog, committedLines);
    try (KafkaPushLog pushLog = new KafkaPushLog(settings, "rebalance-distributor");
        PartitionConsumer consumerA = new PartitionConsumer(settings, "ingester-a", first);
        PartitionConsumer consumerB = new PartitionConsumer(settings, "ingester-b", second)) {
      consumerA.start();
      KafkaPushLogTest.awaitCondition(Duration.ofSeconds(60), () -> consumerA.assignment().size() == PARTITIONS);
      push(pushLog, pushed, 0, 200);
      consumerB.start();
      KafkaPushLogTest.awaitCondition(Duration.ofSeconds(60), () -> !consumerB.assignment().isEmpty() && consumerA.assignment().size() < PARTITIONS);
      push(pushLog, pushed, 200, 400);
      // Gone without a word: the group waits for the session timeout, then gives everything to B.
      consumerA.crash();
      push(pushLog, pushed, 400, 600);
      KafkaPushLogTest.awaitCondition(Duration.ofSeconds(60), () -> consumerB.assignment().size() == PARTITIONS);
      KafkaPushLogTest.awaitCondition(Duration.ofSeconds(60), () -> {
        synchronized (committedLines) {
          return committedLines.size() >= 575;
        }
      });
    }
    // B's close revoked its partitions: it committed everything it had read.
    Map<String, Integer> expected = new TreeMap<>();
    pushed.forEach(line -> expected.put(line, 1));
    synchronized (committedLines) {
      assertThat(committedLines).isEqualTo(expected);
    }
    assertThat(first.fencedCommits + second.fencedCommits).isZero();
  }

  private static void push(KafkaPushLog pushLog, List<String> pushed, int from, int to) {
    for (int i = from; i < to; i++) {
      String line = "line " + i;
      pushLog.append("tenant-" + (i % 2), List.of(new StreamBatch(Labels.of(Map.of("app", "app-" + (i % 7))), List.of(new LogEntry(i, line, Labels.EMPTY)))));
      pushed.add(line);
    }
  }
}
