package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamVolume;
import dev.tonari.cluster.ingester.Ingester;
import dev.tonari.cluster.log.PushLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ingester's side of the head protocol, as a plain function the server mounts on {@link
 * HeadProtocol#PATH}: request bytes in, an {@link Answer} that streams the response out. It knows
 * nothing of HTTP: the server reads the body (at most {@link #maxRequestBytes()} + 1 bytes) and the
 * {@link HeadProtocol#TOKEN_HEADER} header, calls {@link #answer}, and maps {@link
 * HeadAccessDeniedException} to 401, {@link HeadProtocolException} to 400, another {@link
 * IOException} to 500, else 200 with {@link HeadProtocol#CONTENT_TYPE} and {@link Answer#writeTo}.
 *
 * <p>The order inside {@link #answer} is what makes a flush racing a query safe: the head's
 * snapshot (its select, series, ...) is taken first, and the {@link HeadState} (the parts revision
 * the flushes have reached) is read after. An entry that left the head before the snapshot was
 * flushed into a part registered at or before that revision, which the querier then refreshes to.
 */
public final class HeadQueryService {
  /** A response ready to be written; holds the head's snapshot until written or closed. */
  public interface Answer extends AutoCloseable {
    /** Writes the whole response; closes the snapshot whatever happens. */
    void writeTo(OutputStream out) throws IOException;

    /** Releases the snapshot when the answer is not written (the client went away first). */
    @Override
    default void close() throws IOException {}
  }

  /**
   * Waits, before a snapshot, until the head holds what the push log acknowledged in the
   * partitions to serve; throws when it cannot (the request is answered 500, the querier 503).
   */
  @FunctionalInterface
  public interface AcknowledgedBarrier {
    AcknowledgedBarrier NONE = partitions -> {};

    void awaitAcknowledged(Set<Integer> partitions) throws IOException;
  }

  /** How long a head request waits for the ingester to consume what Kafka acknowledged before it (below the querier's call timeout). */
  public static final Duration ACKNOWLEDGED_WAIT = Duration.ofSeconds(2);

  private final LogStore head;
  private final Supplier<HeadState> state;
  private final AcknowledgedBarrier barrier;
  private final int partitionCount;
  private final long maxRequestBytes;
  private final byte[] internalToken;

  /**
   * @param head the ingester's store, whose reads see only its heads
   * @param state the ingester's flushed parts revision, partitions and caught-up flag; read before
   *     every snapshot (which partitions to serve) and after it (what to report)
   * @param partitionCount the push log topic's partitions, to tell which partition a stream is in
   *     ({@link PushLog#partitionOf})
   * @param maxRequestBytes requests longer than this are refused
   * @param internalToken the cluster's internal token, which every request must carry in {@link
   *     HeadProtocol#TOKEN_HEADER}
   */
  public HeadQueryService(LogStore head, Supplier<HeadState> state, int partitionCount, long maxRequestBytes, String internalToken) {
    this(head, state, AcknowledgedBarrier.NONE, partitionCount, maxRequestBytes, internalToken);
  }

  /**
   * @param barrier run with the partitions to serve before each snapshot: read-after-acknowledge
   */
  public HeadQueryService(LogStore head, Supplier<HeadState> state, AcknowledgedBarrier barrier, int partitionCount, long maxRequestBytes, String internalToken) {
    if (partitionCount <= 0) {
      throw new IllegalArgumentException("partition count must be at least 1, got " + partitionCount);
    }
    if (internalToken == null || internalToken.isBlank()) {
      throw new IllegalArgumentException("the head query service needs the cluster's internal token (cluster.internal_token): the head holds every tenant's recent lines");
    }
    this.head = head;
    this.state = state;
    this.barrier = barrier;
    this.partitionCount = partitionCount;
    this.maxRequestBytes = maxRequestBytes;
    this.internalToken = internalToken.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The service over an ingester's head: it serves the partitions the ingester owns, reports its
   * flushed revision, its partitions and whether it has replayed them.
   */
  public static HeadQueryService forIngester(Ingester ingester, long maxRequestBytes, String internalToken) {
    return forIngester(ingester, maxRequestBytes, internalToken, ACKNOWLEDGED_WAIT);
  }

  /**
   * The service over an ingester's head that first waits (up to {@code acknowledgedWait}) for the
   * head to hold what Kafka acknowledged in the asked partitions: an entry whose push was
   * acknowledged before a query started is in that query's answer, or the answer is a 503.
   */
  public static HeadQueryService forIngester(Ingester ingester, long maxRequestBytes, String internalToken, Duration acknowledgedWait) {
    LogStore head = ingester.head();
    return new HeadQueryService(
        head, () -> new HeadState(ingester.flushedRevision(), ingester.servedPartitions(), ingester.headComplete()),
        partitions -> ingester.awaitAcknowledged(partitions, acknowledgedWait), ingester.partitionCount(), maxRequestBytes, internalToken);
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * Checks the token, decodes the request and takes the head's snapshot of the streams of the
   * asked partitions this ingester owns; a partition it does not own is served nothing and left
   * out of the answer's {@link HeadState#partitions()}, so the querier never counts it covered here.
   *
   * @param presentedToken the request's {@link HeadProtocol#TOKEN_HEADER}, null when absent
   * @throws HeadAccessDeniedException when the token is missing or wrong (answer 401)
   * @throws HeadProtocolException when the request is malformed or too long (answer 400 with its message)
   * @throws IOException when the head could not be read (answer 500)
   */
  public Answer answer(String presentedToken, byte[] requestBytes) throws IOException {
    if (presentedToken == null || presentedToken.isEmpty()) {
      throw new HeadAccessDeniedException("head request without the cluster's internal token (header " + HeadProtocol.TOKEN_HEADER + ")");
    }
    if (!MessageDigest.isEqual(internalToken, presentedToken.getBytes(StandardCharsets.UTF_8))) {
      throw new HeadAccessDeniedException("head request with a wrong internal token (header " + HeadProtocol.TOKEN_HEADER + "): querier and ingester must share cluster.internal_token");
    }
    HeadProtocol.Call call = HeadProtocol.decodeCall(requestBytes, maxRequestBytes);
    HeadRequest request = call.request();
    Set<Integer> owned = new HashSet<>(state.get().partitions());
    Set<Integer> served = new TreeSet<>();
    if (call.partitions().isEmpty()) {
      served.addAll(owned);
    } else {
      for (int partition : call.partitions()) {
        if (owned.contains(partition)) {
          served.add(partition);
        }
      }
    }
    barrier.awaitAcknowledged(served);
    String tenant = request.tenant();
    Predicate<Labels> inServed = labels -> served.contains(PushLog.partitionOf(tenant, labels.toString(), partitionCount));
    int kind = HeadProtocol.kindOf(request);
    return switch (request) {
      case HeadRequest.Entries entries -> entriesAnswer(entries, inServed, served);
      case HeadRequest.Streams streams -> {
        List<Labels> series = served.isEmpty() ? List.of() : head.series(tenant, inServed, streams.fromNanos(), streams.toNanos());
        HeadState after = reported(served);
        yield out -> writeItems(out, kind, after, series, WireWriter::writeLabels);
      }
      case HeadRequest.LabelNames names -> {
        TreeSet<String> found = new TreeSet<>();
        for (Labels labels : served.isEmpty() ? List.<Labels>of() : head.series(tenant, inServed, names.fromNanos(), names.toNanos())) {
          for (int i = 0; i < labels.size(); i++) {
            found.add(labels.name(i));
          }
        }
        HeadState after = reported(served);
        yield out -> writeItems(out, kind, after, List.copyOf(found), WireWriter::writeString);
      }
      case HeadRequest.LabelValues values -> {
        TreeSet<String> found = new TreeSet<>();
        for (Labels labels : served.isEmpty() ? List.<Labels>of() : head.series(tenant, inServed, values.fromNanos(), values.toNanos())) {
          String value = labels.get(values.name());
          if (value != null) {
            found.add(value);
          }
        }
        HeadState after = reported(served);
        yield out -> writeItems(out, kind, after, List.copyOf(found), WireWriter::writeString);
      }
      case HeadRequest.Volumes volumes -> {
        Set<Labels> wanted = new HashSet<>(volumes.streams());
        List<StreamVolume> found = served.isEmpty() || wanted.isEmpty() ? List.of() : head.streamVolumes(tenant, inServed.and(wanted::contains), volumes.fromNanos(), volumes.toNanos());
        HeadState after = reported(served);
        yield out -> writeItems(out, kind, after, found, (writer, volume) -> {
          writer.writeLabels(volume.labels());
          writer.writeVarint(volume.chunks());
          writer.writeVarint(volume.bytes());
          writer.writeVarint(volume.entries());
        });
      }
      case HeadRequest.Tenants ignored -> {
        List<String> tenants = new ArrayList<>();
        for (String candidate : served.isEmpty() ? List.<String>of() : head.tenants()) {
          Predicate<Labels> ofCandidate = labels -> served.contains(PushLog.partitionOf(candidate, labels.toString(), partitionCount));
          if (!head.series(candidate, ofCandidate, Long.MIN_VALUE, Long.MAX_VALUE).isEmpty()) {
            tenants.add(candidate);
          }
        }
        HeadState after = reported(served);
        yield out -> writeItems(out, kind, after, tenants, WireWriter::writeString);
      }
    };
  }

  /** The state read after the snapshot, its partitions narrowed to those served and still owned. */
  private HeadState reported(Set<Integer> served) {
    HeadState after = state.get();
    List<Integer> partitions = new ArrayList<>();
    for (int partition : after.partitions()) {
      if (served.contains(partition)) {
        partitions.add(partition);
      }
    }
    return new HeadState(after.flushedPartsRevision(), partitions, after.caughtUp());
  }

  @FunctionalInterface
  private interface ItemWriter<T> {
    void write(WireWriter out, T item) throws IOException;
  }

  private static <T> void writeItems(OutputStream stream, int kind, HeadState state, List<T> items, ItemWriter<T> itemWriter) throws IOException {
    WireWriter out = new WireWriter(stream, 16 * 1024);
    HeadProtocol.writeResponseHeader(out, kind, state);
    for (T item : items) {
      out.writeByte(HeadProtocol.FRAME_ITEM);
      itemWriter.write(out, item);
    }
    out.writeByte(HeadProtocol.FRAME_END);
    out.writeVarint(items.size());
    out.flush();
  }

  private Answer entriesAnswer(HeadRequest.Entries request, Predicate<Labels> inServed, Set<Integer> served) throws IOException {
    Set<Labels> wanted = new HashSet<>(request.streams());
    List<EntryCursor> cursors = request.streams().isEmpty() || served.isEmpty()
        ? List.of()
        : head.select(new SelectRequest(request.tenant(), inServed.and(wanted::contains), request.fromNanos(), request.toNanos(), request.direction(), LinePredicate.ALL, List.of()));
    HeadState after = reported(served);
    return new EntriesAnswer(request.tenant(), cursors, after);
  }

  private static final class EntriesAnswer implements Answer {
    private final String tenant;
    private final List<EntryCursor> cursors;
    private final HeadState state;
    private boolean closed;

    EntriesAnswer(String tenant, List<EntryCursor> cursors, HeadState state) {
      this.tenant = tenant;
      this.cursors = cursors;
      this.state = state;
    }

    @Override
    public void writeTo(OutputStream stream) throws IOException {
      WireWriter out = new WireWriter(stream, 64 * 1024);
      try {
        HeadProtocol.writeResponseHeader(out, HeadProtocol.KIND_ENTRIES, state);
        long entries = 0;
        EntryCursor current = null;
        try {
          for (EntryCursor cursor : cursors) {
            current = cursor;
            out.writeByte(HeadProtocol.FRAME_STREAM);
            out.writeLabels(cursor.labels());
            long previousTimestamp = 0;
            Labels previousMetadata = Labels.EMPTY;
            while (cursor.next()) {
              out.writeByte(HeadProtocol.FRAME_ENTRY);
              long timestamp = cursor.timestamp();
              out.writeZigZag(timestamp - previousTimestamp);
              previousTimestamp = timestamp;
              Labels metadata = cursor.metadata();
              if (metadata.isEmpty()) {
                out.writeByte(HeadProtocol.METADATA_NONE);
              } else if (metadata.equals(previousMetadata)) {
                out.writeByte(HeadProtocol.METADATA_SAME);
              } else {
                out.writeByte(HeadProtocol.METADATA_NEW);
                out.writeLabels(metadata);
              }
              previousMetadata = metadata;
              out.writeBytes(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength());
              entries++;
            }
          }
        } catch (IOException | RuntimeException e) {
          // The status line is gone already: the failure travels as the response's last frame.
          out.writeByte(HeadProtocol.FRAME_ERROR);
          out.writeString("reading the head of tenant " + tenant + (current == null ? "" : ", stream " + current.labels()) + ": " + e);
          out.flush();
          return;
        }
        out.writeByte(HeadProtocol.FRAME_END);
        out.writeVarint(entries);
        out.flush();
      } finally {
        close();
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        IOException failure = EntryCursor.closeAll(cursors, null);
        if (failure != null) {
          throw failure;
        }
      }
    }
  }
}
