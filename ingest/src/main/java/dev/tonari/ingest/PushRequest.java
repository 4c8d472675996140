package dev.tonari.ingest;

import dev.tonari.store.StreamBatch;
import java.util.List;

/**
 * A decoded push: the streams and entries of one request body, before validation.
 *
 * <p>{@link #rejectedStreams()} holds the streams whose label set could not even be represented
 * as {@link dev.tonari.store.Labels} (unparseable label text, duplicate label names). Loki refuses
 * such a stream's entries but keeps the rest of the request, so the decoder cannot fail the whole
 * body for them; it hands them to {@link PushValidator}, which counts them as refused.
 */
public record PushRequest(List<StreamBatch> streams, List<RejectedStream> rejectedStreams) {
  public PushRequest {
    streams = List.copyOf(streams);
    rejectedStreams = List.copyOf(rejectedStreams);
  }

  public PushRequest(List<StreamBatch> streams) {
    this(streams, List.of());
  }

  /** Entries of the decodable streams (those in {@link #streams()}). */
  public int entryCount() {
    int n = 0;
    for (StreamBatch s : streams) {
      n += s.entries().size();
    }
    return n;
  }

  /** Entries of the decodable streams plus those of the rejected ones. */
  public int totalEntryCount() {
    int n = entryCount();
    for (RejectedStream r : rejectedStreams) {
      n += r.entryCount();
    }
    return n;
  }

  /**
   * A stream the decoder could not turn into a label set.
   *
   * @param labelsText the labels as the client sent them (protobuf text, or JSON pairs rendered
   *     in Loki's text form in the order received)
   * @param entryCount how many entries the stream carried; all of them are refused
   * @param reason Loki's message for the problem
   */
  public record RejectedStream(String labelsText, int entryCount, String reason) {}
}
