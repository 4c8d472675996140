package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.catalog.ClusterPartCatalogue;
import dev.tonari.cluster.catalog.OffsetCommit;
import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.querier.IncompleteReadException.Reason;
import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.engine.DiskLogStore;
import dev.tonari.store.engine.DiskLogStoreConfig;
import dev.tonari.store.memory.InMemoryLogStore;
import dev.tonari.store.object.InMemoryObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving side's partition rules, its token, and the querier's refresh after the heads. */
class HeadQueryServiceTest {
  private static final int PARTITIONS = 4;

  private static byte[] answer(HeadQueryService service, List<Integer> partitions, HeadRequest request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (HeadQueryService.Answer answer = service.answer(TestCluster.TOKEN, HeadProtocol.encodeRequest(partitions, request))) {
      answer.writeTo(out);
    }
    return out.toByteArray();
  }

  private static int partitionOf(String tenant, Labels labels) {
    return PushLog.partitionOf(tenant, labels.toString(), PARTITIONS);
  }

  @Test
  void onlyStreamsOfAskedPartitionsItOwnsAreServedAndReported() throws IOException {
    InMemoryLogStore head = new InMemoryLogStore();
    List<Labels> streams = RandomLogs.streams(new Random(4), 24);
    for (Labels labels : streams) {
      head.append("t", List.of(new StreamBatch(labels, List.of(new LogEntry(10, "line of " + labels)))));
    }
    HeadQueryService service = new HeadQueryService(head, () -> new HeadState(3, List.of(1, 2), true), PARTITIONS, 1 << 20, TestCluster.TOKEN);
    HeadReply<List<Labels>> series = HeadResponses.readLabelSets(new ByteArrayInputStream(answer(service, List.of(1, 3), new HeadRequest.Streams("t", 0, 100))), 1 << 24, "test");
    assertThat(series.state().partitions()).as("asked 1 and 3, owns 1 and 2").containsExactly(1);
    assertThat(series.value()).isNotEmpty().allSatisfy(labels -> assertThat(partitionOf("t", labels)).isEqualTo(1));
    assertThat(series.value()).containsExactlyElementsOf(streams.stream().filter(labels -> partitionOf("t", labels) == 1).sorted().toList());
    HeadReply<List<HeadStream>> entries =
        HeadResponses.readEntries(new ByteArrayInputStream(answer(service, List.of(3), new HeadRequest.Entries("t", streams, 0, 100, Direction.FORWARD))), 1 << 24, "test");
    assertThat(entries.state().partitions()).as("a partition it does not own is served nothing").isEmpty();
    assertThat(entries.value()).isEmpty();
    HeadReply<List<String>> names = HeadResponses.readStrings(new ByteArrayInputStream(answer(service, List.of(), new HeadRequest.LabelNames("t", 0, 100))), HeadProtocol.KIND_LABEL_NAMES, 1 << 24, "test");
    assertThat(names.state().partitions()).as("no partitions asked: every owned one").containsExactly(1, 2);
    TreeSet<String> expectedNames = new TreeSet<>();
    streams.stream().filter(labels -> partitionOf("t", labels) == 1 || partitionOf("t", labels) == 2).forEach(labels -> {
      for (int i = 0; i < labels.size(); i++) {
        expectedNames.add(labels.name(i));
      }
    });
    assertThat(names.value()).containsExactlyElementsOf(expectedNames);
  }

  @Test
  void aMissingOrWrongTokenIsRefusedBeforeTheRequestIsRead() {
    HeadQueryService service = new HeadQueryService(new InMemoryLogStore(), () -> new HeadState(0, List.of(0), true), 1, 1 << 20, TestCluster.TOKEN);
    byte[] request = HeadProtocol.encodeRequest(new HeadRequest.Tenants());
    assertThatThrownBy(() -> service.answer(null, request)).isInstanceOf(HeadAccessDeniedException.class).hasMessageContaining(HeadProtocol.TOKEN_HEADER);
    assertThatThrownBy(() -> service.answer(TestCluster.TOKEN + "x", request)).isInstanceOf(HeadAccessDeniedException.class).hasMessageContaining("wrong internal token");
    assertThatThrownBy(() -> service.answer("", new byte[] {1, 2, 3})).isInstanceOf(HeadAccessDeniedException.class);
    assertThatThrownBy(() -> new HeadQueryService(new InMemoryLogStore(), () -> null, 1, 1 << 20, " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("internal token");
  }

  /**
   * A partition's new owner reports its own flushed revision, older than the previous owner's last
   * flush: the querier still reads that flush's parts, because it refreshes to the catalog's current
   * revision once the heads have answered, not to the revisions they report.
   */
  @Test
  void aNewOwnerReportingAnOlderRevisionStillSeesThePreviousOwnersFlush() throws IOException {
    try (TestCluster cluster = new TestCluster(2, 2, new RevisionedParts())) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        entries.add(new LogEntry(i, "flushed by the previous owner " + i));
      }
      StreamBatch batch = new StreamBatch(Labels.of("app", "moved"), entries);
      TestCluster.Ingester owner = cluster.owner("t", batch);
      owner.head.append("t", List.of(batch));
      owner.flush();
      // It handed the partition over: the new owner (same id here) has an empty head and flushed nothing yet.
      owner.flushedRevision.set(-1);
      ClusterLogStore querier = cluster.querier();
      assertThat(ClusterReadChecks.read(querier, new ClusterReadChecks.Query("t", labels -> true, "{}", 0, 100, Direction.FORWARD, null, Integer.MAX_VALUE))).hasSize(50);
    }
  }

  @Test
  void partsBehindARevisionAnIngesterReportedFailTheRead() throws IOException {
    try (TestCluster cluster = new TestCluster(2, 2, new RevisionedParts())) {
      cluster.ingesters.get(1).flushedRevision.set(7);
      ClusterLogStore querier = cluster.querier();
      assertThatThrownBy(() -> querier.select(SelectRequest.all("t", 0, 10, Direction.FORWARD)))
          .isInstanceOfSatisfying(IncompleteReadException.class, e -> {
            assertThat(e.problems()).extracting(IncompleteReadException.PartitionProblem::reason).containsExactly(Reason.CATALOG_BEHIND);
            assertThat(e.getMessage()).contains("parts revision 0").contains("reached 7");
          });
    }
  }

  /** A part the catalog names whose object is gone fails the read (and the next ones) instead of being skipped in silence. */
  @Test
  void aCataloguedPartMissingFromTheObjectStoreFailsTheRead(@TempDir Path directory) throws IOException {
    try (TestCluster cluster = new TestCluster(1, 1, new RevisionedParts())) {
      InMemoryObjectStore objects = new InMemoryObjectStore();
      ClusterPartCatalogue writerCatalogue = new ClusterPartCatalogue(cluster.catalog);
      try (DiskLogStore writer = DiskLogStore.open(DiskLogStoreConfig.defaults(directory.resolve("writer")).withObjectStore(objects).withMaintenanceInterval(Duration.ZERO)
              .withRetention(Duration.ZERO, null).withPartCatalogue(writerCatalogue).withWriterOnly(true), 0);
          ClusterLogStore querier = ClusterLogStore.open(cluster.catalog, DiskLogStoreConfig.defaults(directory.resolve("querier")).withObjectStore(objects)
              .withMaintenanceInterval(Duration.ZERO), null, ClusterQuerierConfig.defaults(1, TestCluster.TOKEN))) {
        ClusterReadChecks.Query all = new ClusterReadChecks.Query("t", labels -> true, "{}", 0, 100, Direction.FORWARD, null, Integer.MAX_VALUE);
        writer.append("t", List.of(new StreamBatch(Labels.of("app", "a"), List.of(new LogEntry(1, "first"), new LogEntry(2, "second")))));
        writerCatalogue.prepareFlush(List.of(new OffsetCommit("topic", 0, -1, 1, "writer")), Map.of());
        writer.flush();
        assertThat(ClusterReadChecks.read(querier, all)).hasSize(2);
        writer.append("t", List.of(new StreamBatch(Labels.of("app", "b"), List.of(new LogEntry(3, "third")))));
        writerCatalogue.prepareFlush(List.of(new OffsetCommit("topic", 0, 1, 2, "writer")), Map.of());
        writer.flush();
        List<String> keys = cluster.catalog.liveParts().stream().map(part -> part.key()).toList();
        objects.delete(keys.get(keys.size() - 1));
        for (int attempt = 0; attempt < 2; attempt++) {
          assertThatThrownBy(() -> querier.select(SelectRequest.all("t", 0, 100, Direction.FORWARD)))
              .isInstanceOfSatisfying(IncompleteReadException.class, e -> {
                assertThat(e.problems()).extracting(IncompleteReadException.PartitionProblem::reason).containsExactly(Reason.PARTS_MISSING);
                assertThat(e.getMessage()).contains("every partition").contains("1 parts the catalog names");
              });
        }
      }
    }
  }
}
