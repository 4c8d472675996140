package dev.tonari.rules.alert;

import java.util.List;

/**
 * Where the ruler hands the samples of its recording rules (the remote-write clients). Like
 * {@link AlertSink}, it queues and returns: it neither blocks on the network nor throws.
 */
public interface SampleSink {
  void write(String tenant, List<RecordedSample> samples);
}
