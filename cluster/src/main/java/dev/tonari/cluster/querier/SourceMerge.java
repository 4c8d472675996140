package dev.tonari.cluster.querier;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One cursor per distinct labels over several sources (the parts, then each ingester's head), the
 * cursors of equal labels merged with the engine's de-duplication: entries equal in timestamp and
 * line come out once, at the place of their first push, sources listed earlier holding earlier
 * pushes; a backward read is exactly the reverse of a forward one.
 */
final class SourceMerge {
  private SourceMerge() {}

  static List<EntryCursor> mergeSources(List<List<EntryCursor>> sources, Direction direction) {
    TreeMap<Labels, List<EntryCursor>> byLabels = new TreeMap<>();
    for (List<EntryCursor> source : sources) {
      for (EntryCursor cursor : source) {
        byLabels.computeIfAbsent(cursor.labels(), ignored -> new ArrayList<>()).add(cursor);
      }
    }
    List<EntryCursor> merged = new ArrayList<>(byLabels.size());
    for (Map.Entry<Labels, List<EntryCursor>> entry : byLabels.entrySet()) {
      List<EntryCursor> cursors = entry.getValue();
      merged.add(cursors.size() == 1 ? cursors.get(0) : new Merged(entry.getKey(), cursors, direction));
    }
    return merged;
  }

  /** Merges one stream's cursors run by run: all entries of the next timestamp are read from every source at once. */
  private static final class Merged implements EntryCursor {
    private final Labels labels;
    private final List<EntryCursor> cursors;
    private final boolean forward;
    /** Whether each source has a current entry not yet taken into a run. */
    private final boolean[] pending;
    private final boolean[] exhausted;
    // The run being returned: lines packed in one buffer.
    private byte[] runLines = new byte[1024];
    private int[] runStarts = new int[16];
    private int[] runLengths = new int[16];
    private Labels[] runMetadata = new Labels[16];
    private int runSize;
    private int runIndex;
    private long runTimestamp;

    Merged(Labels labels, List<EntryCursor> cursors, Direction direction) {
      this.labels = labels;
      this.cursors = cursors;
      this.forward = direction == Direction.FORWARD;
      this.pending = new boolean[cursors.size()];
      this.exhausted = new boolean[cursors.size()];
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public boolean next() throws IOException {
      if (runIndex + 1 < runSize) {
        runIndex++;
        return true;
      }
      for (int i = 0; i < cursors.size(); i++) {
        if (!pending[i] && !exhausted[i]) {
          pending[i] = cursors.get(i).next();
          exhausted[i] = !pending[i];
        }
      }
      boolean any = false;
      long next = 0;
      for (int i = 0; i < cursors.size(); i++) {
        if (pending[i]) {
          long timestamp = cursors.get(i).timestamp();
          if (!any || (forward ? timestamp < next : timestamp > next)) {
            next = timestamp;
            any = true;
          }
        }
      }
      if (!any) {
        runSize = 0;
        runIndex = 0;
        return false;
      }
      runTimestamp = next;
      runSize = 0;
      int used = 0;
      // Sources in push order; within a backward source the run comes newest push first, so it is
      // reversed into push order before the duplicates are dropped, and the whole run reversed back.
      for (int i = 0; i < cursors.size(); i++) {
        int sourceStart = runSize;
        EntryCursor cursor = cursors.get(i);
        while (pending[i] && cursor.timestamp() == next) {
          used = add(cursor, used);
          pending[i] = cursor.next();
          exhausted[i] = !pending[i];
        }
        if (!forward) {
          reverse(sourceStart, runSize);
        }
      }
      dropRepeatedPushes();
      if (!forward) {
        reverse(0, runSize);
      }
      runIndex = 0;
      return true;
    }

    private int add(EntryCursor cursor, int used) {
      if (runSize == runStarts.length) {
        runStarts = Arrays.copyOf(runStarts, runSize * 2);
        runLengths = Arrays.copyOf(runLengths, runSize * 2);
        runMetadata = Arrays.copyOf(runMetadata, runSize * 2);
      }
      int length = cursor.lineLength();
      if (used + length > runLines.length) {
        runLines = Arrays.copyOf(runLines, Math.max(runLines.length * 2, used + length));
      }
      System.arraycopy(cursor.lineBuffer(), cursor.lineOffset(), runLines, used, length);
      runStarts[runSize] = used;
      runLengths[runSize] = length;
      runMetadata[runSize] = cursor.metadata();
      runSize++;
      return used + length;
    }

    private void dropRepeatedPushes() {
      int kept = 0;
      for (int i = 0; i < runSize; i++) {
        boolean repeated = false;
        for (int j = 0; j < kept && !repeated; j++) {
          repeated = Arrays.equals(runLines, runStarts[i], runStarts[i] + runLengths[i], runLines, runStarts[j], runStarts[j] + runLengths[j]);
        }
        if (!repeated) {
          runStarts[kept] = runStarts[i];
          runLengths[kept] = runLengths[i];
          runMetadata[kept] = runMetadata[i];
          kept++;
        }
      }
      runSize = kept;
    }

    private void reverse(int from, int to) {
      for (int left = from, right = to - 1; left < right; left++, right--) {
        int start = runStarts[left];
        runStarts[left] = runStarts[right];
        runStarts[right] = start;
        int length = runLengths[left];
        runLengths[left] = runLengths[right];
        runLengths[right] = length;
        Labels metadata = runMetadata[left];
        runMetadata[left] = runMetadata[right];
        runMetadata[right] = metadata;
      }
    }

    @Override
    public long timestamp() {
      return runTimestamp;
    }

    @Override
    public byte[] lineBuffer() {
      return runLines;
    }

    @Override
    public int lineOffset() {
      return runStarts[runIndex];
    }

    @Override
    public int lineLength() {
      return runLengths[runIndex];
    }

    @Override
    public Labels metadata() {
      return runMetadata[runIndex];
    }

    @Override
    public void close() throws IOException {
      IOException failure = EntryCursor.closeAll(cursors, null);
      if (failure != null) {
        throw failure;
      }
    }
  }
}
