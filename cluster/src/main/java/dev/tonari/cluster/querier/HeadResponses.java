package dev.tonari.cluster.querier;

import dev.tonari.store.Labels;
import dev.tonari.store.StreamVolume;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads head responses on the querier's side, never past the byte limit, and checks each one is
 * whole: its closing count matches what was read, nothing follows it. An ERROR frame becomes an
 * {@link IOException} carrying the ingester's message.
 */
final class HeadResponses {
  @FunctionalInterface
  interface ItemReader<T> {
    T read(WireReader in) throws IOException;
  }

  private HeadResponses() {}

  static <T> HeadReply<List<T>> readItems(InputStream stream, int kind, long maxBytes, String what, ItemReader<T> itemReader) throws IOException {
    WireReader in = new WireReader(stream, maxBytes, what, "max_head_response_bytes");
    HeadState state = HeadProtocol.readResponseHeader(in, kind, what);
    List<T> items = new ArrayList<>();
    while (true) {
      int frame = in.readByte("frame");
      switch (frame) {
        case HeadProtocol.FRAME_ITEM -> items.add(itemReader.read(in));
        case HeadProtocol.FRAME_END -> {
          finish(in, items.size());
          return new HeadReply<>(state, items);
        }
        case HeadProtocol.FRAME_ERROR -> throw failed(in, what);
        default -> throw in.malformed("unknown frame " + frame);
      }
    }
  }

  static HeadReply<List<Labels>> readLabelSets(InputStream stream, long maxBytes, String what) throws IOException {
    return readItems(stream, HeadProtocol.KIND_STREAMS, maxBytes, what, in -> in.readLabels("stream"));
  }

  static HeadReply<List<String>> readStrings(InputStream stream, int kind, long maxBytes, String what) throws IOException {
    return readItems(stream, kind, maxBytes, what, in -> in.readString("value"));
  }

  static HeadReply<List<StreamVolume>> readVolumes(InputStream stream, long maxBytes, String what) throws IOException {
    return readItems(stream, HeadProtocol.KIND_VOLUMES, maxBytes, what, in -> {
      Labels labels = in.readLabels("stream");
      long chunks = in.readVarint("chunks");
      long bytes = in.readVarint("bytes");
      long entries = in.readVarint("entries");
      if (chunks < 0 || bytes < 0 || entries <= 0) {
        throw in.malformed("volume of stream " + labels + " has " + chunks + " chunks, " + bytes + " bytes, " + entries + " entries");
      }
      return new StreamVolume(labels, chunks, bytes, entries);
    });
  }

  static HeadReply<List<HeadStream>> readEntries(InputStream stream, long maxBytes, String what) throws IOException {
    WireReader in = new WireReader(stream, maxBytes, what, "max_head_response_bytes");
    HeadState state = HeadProtocol.readResponseHeader(in, HeadProtocol.KIND_ENTRIES, what);
    List<HeadStream> streams = new ArrayList<>();
    HeadStream current = null;
    long previousTimestamp = 0;
    Labels previousMetadata = Labels.EMPTY;
    long entries = 0;
    byte[] line = new byte[4096];
    int[] lineLength = new int[1];
    int lineLimit = (int) Math.min(Integer.MAX_VALUE - 16, maxBytes);
    while (true) {
      int frame = in.readByte("frame");
      switch (frame) {
        case HeadProtocol.FRAME_STREAM -> {
          Labels labels = in.readLabels("stream");
          if (current != null && current.labels().compareTo(labels) >= 0) {
            throw in.malformed("stream " + labels + " comes after " + current.labels() + ": streams must be in label order, each once");
          }
          current = new HeadStream(labels);
          streams.add(current);
          previousTimestamp = 0;
          previousMetadata = Labels.EMPTY;
        }
        case HeadProtocol.FRAME_ENTRY -> {
          if (current == null) {
            throw in.malformed("an entry before any stream");
          }
          long timestamp = previousTimestamp + in.readZigZag("timestamp");
          int metadataKind = in.readByte("metadata");
          Labels metadata = switch (metadataKind) {
            case HeadProtocol.METADATA_NONE -> Labels.EMPTY;
            case HeadProtocol.METADATA_SAME -> previousMetadata;
            case HeadProtocol.METADATA_NEW -> in.readLabels("metadata");
            default -> throw in.malformed("unknown metadata kind " + metadataKind);
          };
          line = in.readBytes("line", lineLimit, line, lineLength);
          current.add(timestamp, metadata, line, 0, lineLength[0]);
          previousTimestamp = timestamp;
          previousMetadata = metadata;
          entries++;
        }
        case HeadProtocol.FRAME_END -> {
          finish(in, entries);
          return new HeadReply<>(state, streams);
        }
        case HeadProtocol.FRAME_ERROR -> throw failed(in, what);
        default -> throw in.malformed("unknown frame " + frame);
      }
    }
  }

  private static void finish(WireReader in, long itemsRead) throws IOException {
    long announced = in.readVarint("count");
    if (announced != itemsRead) {
      throw in.malformed("the answer announces " + announced + " items but holds " + itemsRead);
    }
    in.expectEnd();
  }

  private static IOException failed(WireReader in, String what) throws IOException {
    String message = in.readString("error message");
    return new IOException(what + " failed: " + message);
  }
}
