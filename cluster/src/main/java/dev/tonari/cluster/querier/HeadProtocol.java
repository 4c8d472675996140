package dev.tonari.cluster.querier;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary exchange between a querier and an ingester about the ingester's head. Every message
 * starts with a magic and a version, so a peer of another release is refused with a clear error
 * instead of being misread.
 *
 * <pre>
 * request  := "TNHQ" version:u8 kind:u8 partitions:count varint* fields...
 * response := "TNHR" version:u8 kind:u8 flushedPartsRevision:zigzag caughtUp:u8 partitions:count varint*
 *             frame* (END count | ERROR message)
 * frame    := ITEM payload                      (label sets, strings, volumes)
 *           | STREAM labels | ENTRY tsDelta:zigzag metadata line:bytes   (entries)
 * metadata := 0 (none) | 1 (as the previous entry of the stream) | 2 labels
 * </pre>
 *
 * Counts close every answer, so a response cut short (a crashed ingester, a proxy) is never taken
 * for a complete one. Timestamps are deltas from the previous entry of the stream, zig-zag coded
 * since a backward read goes down.
 */
public final class HeadProtocol {
  /** The internal route the server mounts {@link HeadQueryService} on (POST, application/octet-stream). */
  public static final String PATH = "/tonari/internal/v1/head/select";

  public static final String CONTENT_TYPE = "application/vnd.tonari.head.v1";

  /**
   * The header carrying the cluster's internal token on every head request: the head holds every
   * tenant's recent lines, so the route must not answer whoever can reach the port.
   */
  public static final String TOKEN_HEADER = "X-Tonari-Internal-Token";

  /** A decoded request: the partitions the querier asks this ingester for, and what it asks. */
  public record Call(List<Integer> partitions, HeadRequest request) {
    public Call {
      partitions = List.copyOf(partitions);
    }
  }

  static final byte[] REQUEST_MAGIC = {'T', 'N', 'H', 'Q'};
  static final byte[] RESPONSE_MAGIC = {'T', 'N', 'H', 'R'};
  static final int VERSION = 1;

  static final int KIND_STREAMS = 1;
  static final int KIND_ENTRIES = 2;
  static final int KIND_LABEL_NAMES = 3;
  static final int KIND_LABEL_VALUES = 4;
  static final int KIND_VOLUMES = 5;
  static final int KIND_TENANTS = 6;

  static final int FRAME_END = 0;
  static final int FRAME_ITEM = 1;
  static final int FRAME_STREAM = 2;
  static final int FRAME_ENTRY = 3;
  static final int FRAME_ERROR = 4;

  static final int METADATA_NONE = 0;
  static final int METADATA_SAME = 1;
  static final int METADATA_NEW = 2;

  /** Partitions one ingester may report owning; more is refused. */
  static final int MAX_PARTITIONS = 1 << 16;

  /** Label sets one request may name; more is refused (a querier sends what a selector matched). */
  static final int MAX_REQUEST_STREAMS = 1 << 20;

  private HeadProtocol() {}

  static int kindOf(HeadRequest request) {
    return switch (request) {
      case HeadRequest.Streams ignored -> KIND_STREAMS;
      case HeadRequest.Entries ignored -> KIND_ENTRIES;
      case HeadRequest.LabelNames ignored -> KIND_LABEL_NAMES;
      case HeadRequest.LabelValues ignored -> KIND_LABEL_VALUES;
      case HeadRequest.Volumes ignored -> KIND_VOLUMES;
      case HeadRequest.Tenants ignored -> KIND_TENANTS;
    };
  }

  /** The request's bytes, for every partition (what a test or a single ingester asks). */
  public static byte[] encodeRequest(HeadRequest request) {
    return encodeRequest(List.of(), request);
  }

  /**
   * The request's bytes.
   *
   * @param partitions the partitions whose streams the answer may hold; empty means every
   *     partition the ingester owns
   */
  public static byte[] encodeRequest(List<Integer> partitions, HeadRequest request) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try {
      WireWriter out = new WireWriter(bytes, 4096);
      out.writeRaw(REQUEST_MAGIC, 0, REQUEST_MAGIC.length);
      out.writeByte(VERSION);
      out.writeByte(kindOf(request));
      out.writeVarint(partitions.size());
      for (int partition : partitions) {
        out.writeVarint(partition);
      }
      switch (request) {
        case HeadRequest.Streams streams -> writeTenantRange(out, streams.tenant(), streams.fromNanos(), streams.toNanos());
        case HeadRequest.Entries entries -> {
          writeTenantRange(out, entries.tenant(), entries.fromNanos(), entries.toNanos());
          out.writeByte(entries.direction() == Direction.FORWARD ? 0 : 1);
          writeLabelList(out, entries.streams());
        }
        case HeadRequest.LabelNames names -> writeTenantRange(out, names.tenant(), names.fromNanos(), names.toNanos());
        case HeadRequest.LabelValues values -> {
          writeTenantRange(out, values.tenant(), values.fromNanos(), values.toNanos());
          out.writeString(values.name());
        }
        case HeadRequest.Volumes volumes -> {
          writeTenantRange(out, volumes.tenant(), volumes.fromNanos(), volumes.toNanos());
          writeLabelList(out, volumes.streams());
        }
        case HeadRequest.Tenants ignored -> {}
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a head request in memory", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a request of at most {@code maxBytes}.
   *
   * @throws HeadProtocolException naming what was wrong (the serving side answers 400)
   */
  public static HeadRequest decodeRequest(byte[] bytes, long maxBytes) throws HeadProtocolException {
    return decodeCall(bytes, maxBytes).request();
  }

  /**
   * Decodes a request of at most {@code maxBytes} with the partitions it names.
   *
   * @throws HeadProtocolException naming what was wrong (the serving side answers 400)
   */
  public static Call decodeCall(byte[] bytes, long maxBytes) throws HeadProtocolException {
    if (bytes.length > maxBytes) {
      throw new HeadProtocolException("head request of " + bytes.length + " bytes is larger than the limit of " + maxBytes + " bytes");
    }
    WireReader in = new WireReader(new ByteArrayInputStream(bytes), maxBytes, "head request", "max_head_request_bytes");
    try {
      expectMagic(in, REQUEST_MAGIC, "head request");
      int kind = in.readByte("kind");
      List<Integer> partitions = readPartitions(in);
      HeadRequest request = switch (kind) {
        case KIND_STREAMS -> {
          String tenant = in.readString("tenant");
          yield new HeadRequest.Streams(tenant, in.readZigZag("from"), in.readZigZag("to"));
        }
        case KIND_ENTRIES -> {
          String tenant = in.readString("tenant");
          long from = in.readZigZag("from");
          long to = in.readZigZag("to");
          int direction = in.readByte("direction");
          if (direction > 1) {
            throw in.malformed("direction " + direction + " is neither 0 (forward) nor 1 (backward)");
          }
          yield new HeadRequest.Entries(tenant, readLabelList(in), from, to, direction == 0 ? Direction.FORWARD : Direction.BACKWARD);
        }
        case KIND_LABEL_NAMES -> {
          String tenant = in.readString("tenant");
          yield new HeadRequest.LabelNames(tenant, in.readZigZag("from"), in.readZigZag("to"));
        }
        case KIND_LABEL_VALUES -> {
          String tenant = in.readString("tenant");
          long from = in.readZigZag("from");
          long to = in.readZigZag("to");
          yield new HeadRequest.LabelValues(tenant, in.readString("label name"), from, to);
        }
        case KIND_VOLUMES -> {
          String tenant = in.readString("tenant");
          long from = in.readZigZag("from");
          long to = in.readZigZag("to");
          yield new HeadRequest.Volumes(tenant, readLabelList(in), from, to);
        }
        case KIND_TENANTS -> new HeadRequest.Tenants();
        default -> throw in.malformed("unknown request kind " + kind);
      };
      in.expectEnd();
      return new Call(partitions, request);
    } catch (HeadProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw new HeadProtocolException("head request could not be read: " + e.getMessage());
    }
  }

  static void expectMagic(WireReader in, byte[] magic, String what) throws IOException {
    for (byte expected : magic) {
      int b = in.readByte("magic");
      if (b != (expected & 0xff)) {
        throw new HeadProtocolException(what + " does not start with the head protocol's magic " + new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    int version = in.readByte("version");
    if (version != VERSION) {
      throw new HeadProtocolException(what + " is of head protocol version " + version + ", this process speaks version " + VERSION);
    }
  }

  static void writeResponseHeader(WireWriter out, int kind, HeadState state) throws IOException {
    out.writeRaw(RESPONSE_MAGIC, 0, RESPONSE_MAGIC.length);
    out.writeByte(VERSION);
    out.writeByte(kind);
    out.writeZigZag(state.flushedPartsRevision());
    out.writeByte(state.caughtUp() ? 1 : 0);
    out.writeVarint(state.partitions().size());
    for (int partition : state.partitions()) {
      out.writeVarint(partition);
    }
  }

  static HeadState readResponseHeader(WireReader in, int expectedKind, String what) throws IOException {
    expectMagic(in, RESPONSE_MAGIC, what);
    int kind = in.readByte("kind");
    if (kind != expectedKind) {
      throw in.malformed("answer of kind " + kind + " to a request of kind " + expectedKind);
    }
    long revision = in.readZigZag("flushed parts revision");
    int caughtUp = in.readByte("caught up");
    if (caughtUp > 1) {
      throw in.malformed("caught-up flag " + caughtUp + " is neither 0 nor 1");
    }
    return new HeadState(revision, readPartitions(in), caughtUp == 1);
  }

  private static List<Integer> readPartitions(WireReader in) throws IOException {
    int count = in.readCount("partition count", MAX_PARTITIONS);
    List<Integer> partitions = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      partitions.add(in.readCount("partition", MAX_PARTITIONS - 1));
    }
    return partitions;
  }

  private static void writeTenantRange(WireWriter out, String tenant, long from, long to) throws IOException {
    out.writeString(tenant);
    out.writeZigZag(from);
    out.writeZigZag(to);
  }

  private static void writeLabelList(WireWriter out, List<Labels> labels) throws IOException {
    out.writeVarint(labels.size());
    for (Labels set : labels) {
      out.writeLabels(set);
    }
  }

  private static List<Labels> readLabelList(WireReader in) throws IOException {
    int count = in.readCount("stream count", MAX_REQUEST_STREAMS);
    List<Labels> labels = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      labels.add(in.readLabels("stream"));
    }
    return labels;
  }
}
