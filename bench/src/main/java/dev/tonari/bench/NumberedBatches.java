package dev.tonari.bench;

import dev.tonari.ingest.PushRequest;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The numbered lines the crash tests push and read back: batch {@code b} always holds the same
 * {@code entriesPerBatch} lines (so a retry is an exact duplicate), in stream {@code b % streams},
 * line {@code i} of it with sequence number {@code b * entriesPerBatch + i} in its text and a
 * timestamp of its own (one microsecond apart), so that reading back by time is exact and every
 * line can be counted.
 *
 * @param job the {@code job} label of every stream
 * @param streams how many streams the batches are spread over ({@code stream="s0"} ...)
 * @param entriesPerBatch lines per batch
 * @param baseNanos timestamp of sequence 0 (recent, so that old-sample rejection accepts it)
 */
public record NumberedBatches(String job, int streams, int entriesPerBatch, long baseNanos) {

  /** Batch {@code batch}'s push; {@code markerBatch}'s first line also carries {@code marker=alert}, for an alerting rule. */
  public PushRequest request(int batch, int markerBatch) {
    Labels labels = Labels.of("job", job, "stream", "s" + streamOf(batch));
    List<LogEntry> entries = new ArrayList<>(entriesPerBatch);
    for (int i = 0; i < entriesPerBatch; i++) {
      long sequence = (long) batch * entriesPerBatch + i;
      String marker = batch == markerBatch && i == 0 ? " marker=alert" : "";
      entries.add(new LogEntry(timestampOf(sequence), job + " batch=" + batch + " seq=" + sequence + marker + " level=info msg=\"order processed\" amount=" + (sequence % 997)));
    }
    return new PushRequest(List.of(new StreamBatch(labels, entries)));
  }

  public PushRequest request(int batch) {
    return request(batch, -1);
  }

  public int streamOf(int batch) {
    return batch % streams;
  }

  public long timestampOf(long sequence) {
    return baseNanos + sequence * 1_000L;
  }

  /** The selector of one stream. */
  public String streamQuery(int stream) {
    return "{job=\"" + job + "\", stream=\"s" + stream + "\"}";
  }

  /** The sequence number in a line, or -1 when it has none. */
  public static long sequenceOf(String line) {
    int at = line.indexOf(" seq=");
    if (at < 0) {
      return -1;
    }
    int from = at + 5;
    int to = line.indexOf(' ', from);
    try {
      return Long.parseLong(to < 0 ? line.substring(from) : line.substring(from, to));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * What one full read-back found.
   *
   * @param problems entries out of forward order (each a message naming the query)
   */
  public record ReadBack(long expected, long returned, long missing, long duplicated, long unexpected, long firstMissing, long firstDuplicated, List<String> problems) {
    /** The problems, and one line each for missing, duplicated and unexpected entries. */
    public List<String> allProblems(String through) {
      List<String> all = new ArrayList<>(problems);
      if (missing > 0) {
        all.add(through + ": " + missing + " acknowledged entries missing (first: seq " + firstMissing + ")");
      }
      if (duplicated > 0) {
        all.add(through + ": " + duplicated + " entries returned more than once (first: seq " + firstDuplicated + ")");
      }
      if (unexpected > 0) {
        all.add(through + ": " + unexpected + " returned entries were never pushed or have a wrong timestamp");
      }
      return all;
    }
  }

  /**
   * Reads every stream of the first {@code batches} batches back with forward {@code query_range}
   * paging and counts each sequence number: each must come back exactly once.
   */
  public ReadBack readBack(LokiHttpClient client, String tenant, int batches) throws IOException, InterruptedException {
    long expected = (long) batches * entriesPerBatch;
    byte[] seen = new byte[(int) expected];
    long returned = 0;
    long unexpected = 0;
    List<String> problems = new ArrayList<>();
    long end = timestampOf(expected) + 1;
    int pageLimit = 5000;
    for (int stream = 0; stream < streams; stream++) {
      String query = streamQuery(stream);
      long start = baseNanos;
      while (true) {
        List<LokiHttpClient.ResultEntry> page = client.queryRange(tenant, query, start, end, pageLimit, "forward");
        long last = start - 1;
        for (LokiHttpClient.ResultEntry entry : page) {
          returned++;
          long sequence = sequenceOf(entry.line());
          if (sequence < 0 || sequence >= expected || timestampOf(sequence) != entry.timestampNanos()) {
            unexpected++;
          } else if (seen[(int) sequence] < 2) {
            seen[(int) sequence]++;
          }
          if (entry.timestampNanos() < start || entry.timestampNanos() < last) {
            problems.add("query " + query + " on " + client.baseUrl() + " returned timestamp " + entry.timestampNanos() + " out of forward order after " + last);
          }
          last = Math.max(last, entry.timestampNanos());
        }
        if (page.size() < pageLimit) {
          break;
        }
        start = last + 1;
      }
    }
    long missing = 0;
    long duplicated = 0;
    long firstMissing = -1;
    long firstDuplicated = -1;
    for (int i = 0; i < seen.length; i++) {
      if (seen[i] == 0) {
        firstMissing = missing++ == 0 ? i : firstMissing;
      } else if (seen[i] > 1) {
        firstDuplicated = duplicated++ == 0 ? i : firstDuplicated;
      }
    }
    return new ReadBack(expected, returned, missing, duplicated, unexpected, firstMissing, firstDuplicated, List.copyOf(problems));
  }

  /**
   * Checks one answer of a bounded query of one stream against what had been acknowledged before
   * the query started: every entry of those batches up to the answer's last timestamp (all of them
   * when the answer is below its limit) must be there, once, and nothing that was never sent.
   *
   * @param acknowledgedBefore batches acknowledged before the query started
   * @param sent batches that were ever sent (an entry of another batch is garbage)
   * @return what is wrong, empty when the answer is complete
   */
  public List<String> checkAnswer(int stream, List<LokiHttpClient.ResultEntry> answer, boolean limitReached, IntPredicate acknowledgedBefore, IntPredicate sent, int batchesSoFar) {
    List<String> wrong = new ArrayList<>();
    java.util.BitSet returned = new java.util.BitSet();
    long lastTimestamp = Long.MIN_VALUE;
    for (LokiHttpClient.ResultEntry entry : answer) {
      long sequence = sequenceOf(entry.line());
      int batch = (int) (sequence / entriesPerBatch);
      if (sequence < 0 || streamOf(batch) != stream || !sent.test(batch) || timestampOf(sequence) != entry.timestampNanos()) {
        wrong.add("entry never pushed to stream s" + stream + ": " + entry.timestampNanos() + " " + entry.line());
        continue;
      }
      if (returned.get((int) sequence)) {
        wrong.add("seq " + sequence + " returned twice in one answer");
      }
      returned.set((int) sequence);
      lastTimestamp = Math.max(lastTimestamp, entry.timestampNanos());
    }
    long missing = 0;
    long firstMissing = -1;
    for (int batch = stream; batch < batchesSoFar; batch += streams) {
      if (!acknowledgedBefore.test(batch)) {
        continue;
      }
      for (int i = 0; i < entriesPerBatch; i++) {
        long sequence = (long) batch * entriesPerBatch + i;
        if (limitReached && timestampOf(sequence) > lastTimestamp) {
          break;
        }
        if (!returned.get((int) sequence)) {
          firstMissing = missing++ == 0 ? sequence : firstMissing;
        }
      }
    }
    if (missing > 0) {
      wrong.add("a successful answer lacks " + missing + " entries acknowledged before the query started (first: seq " + firstMissing + ")");
    }
    return wrong;
  }
}
