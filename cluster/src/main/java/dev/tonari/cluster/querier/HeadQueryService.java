package dev.tonari.cluster.querier;

import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ingester's side of the head protocol, as a plain function the server mounts on {@link
 * HeadProtocol#PATH}: request bytes in, an {@link Answer} that streams the response out. It knows
 * nothing of HTTP.
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

  private final LogStore head;
  private final Supplier<HeadState> state;
  private final long maxRequestBytes;

  /**
   * @param head the ingester's store, whose reads see only its heads
   * @param state the ingester's flushed parts revision, partitions and caught-up flag, read after every snapshot
   * @param maxRequestBytes requests longer than this are refused
   */
  public HeadQueryService(LogStore head, Supplier<HeadState> state, long maxRequestBytes) {
    this.head = head;
    this.state = state;
    this.maxRequestBytes = maxRequestBytes;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * Decodes the request and takes the head's snapshot.
   *
   * @throws HeadProtocolException when the request is malformed or too long (answer 400 with its message)
   * @throws IOException when the head could not be read (answer 500)
   */
  public Answer answer(byte[] requestBytes) throws IOException {
    HeadRequest request = HeadProtocol.decodeRequest(requestBytes, maxRequestBytes);
    int kind = HeadProtocol.kindOf(request);
    return switch (request) {
      case HeadRequest.Entries entries -> entriesAnswer(entries);
      case HeadRequest.Streams streams -> {
        List<Labels> series = head.series(streams.tenant(), labels -> true, streams.fromNanos(), streams.toNanos());
        HeadState after = state.get();
        yield out -> writeItems(out, kind, after, series, WireWriter::writeLabels);
      }
      case HeadRequest.LabelNames names -> {
        List<String> values = head.labelNames(names.tenant(), names.fromNanos(), names.toNanos());
        HeadState after = state.get();
        yield out -> writeItems(out, kind, after, values, WireWriter::writeString);
      }
      case HeadRequest.LabelValues values -> {
        List<String> found = head.labelValues(values.tenant(), values.name(), values.fromNanos(), values.toNanos());
        HeadState after = state.get();
        yield out -> writeItems(out, kind, after, found, WireWriter::writeString);
      }
      case HeadRequest.Volumes volumes -> {
        Set<Labels> wanted = new HashSet<>(volumes.streams());
        List<StreamVolume> found = head.streamVolumes(volumes.tenant(), wanted::contains, volumes.fromNanos(), volumes.toNanos());
        HeadState after = state.get();
        yield out -> writeItems(out, kind, after, found, (writer, volume) -> {
          writer.writeLabels(volume.labels());
          writer.writeVarint(volume.chunks());
          writer.writeVarint(volume.bytes());
          writer.writeVarint(volume.entries());
        });
      }
      case HeadRequest.Tenants ignored -> {
        List<String> tenants = head.tenants();
        HeadState after = state.get();
        yield out -> writeItems(out, kind, after, tenants, WireWriter::writeString);
      }
    };
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

  private Answer entriesAnswer(HeadRequest.Entries request) throws IOException {
    Set<Labels> wanted = new HashSet<>(request.streams());
    List<EntryCursor> cursors = request.streams().isEmpty()
        ? List.of()
        : head.select(new SelectRequest(request.tenant(), wanted::contains, request.fromNanos(), request.toNanos(), request.direction(), LinePredicate.ALL, List.of()));
    HeadState after = state.get();
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
