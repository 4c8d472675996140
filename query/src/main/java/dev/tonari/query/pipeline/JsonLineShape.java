package dev.tonari.query.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The shape of the last JSON line {@link JsonFieldScanner} walked in full and took: the bytes
 * between its leaf values (braces, keys, colons, commas, spaces, a string's opening quote), and per
 * leaf value its kind, the slot its key named and its nesting depth.
 *
 * <p>Why this is enough to take a later line without walking its keys: the walk is a function of
 * the bytes it reads. A line whose bytes between values are those of the shape, and whose values
 * start with a byte of the same kind, puts the walk through the same states (same keys, so the same
 * slots, prefixes and depths; same separators), and only the values themselves differ; those the
 * scanner still parses with the walk's own methods. So such a line is taken with exactly the values
 * the full walk gives, and any difference (another key, a space, a value of another kind, a value
 * that does not parse, a longer or shorter line) sends the line to the full walk, which decides it
 * as before. Lines of one stream are printed by one format string, so nearly all share a shape.
 */
final class JsonLineShape {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A string value: its segment ends with the opening quote. */
  static final byte STRING = 0;
  /** A number, true or false: its segment ends before the first byte. */
  static final byte SCALAR = 1;
  /** An array or a null, skipped by the walk whatever its key. */
  static final byte SKIPPED = 2;

  /** Lines with more leaf values are not kept as shapes (rare; the full walk takes them). */
  static final int MAX_VALUES = 64;
  /**
   * Values the arrays hold at first: a scanner is made per stream of a query, so a query over
   * thousands of streams would hold megabytes of arrays sized for the longest lines; they grow
   * (rarely: once per longer shape) up to {@link #MAX_VALUES}.
   */
  private static final int INITIAL_VALUES = 16;

  private int capacity = INITIAL_VALUES;
  // What the full walk under way records, in line positions: segment v is [recordedFrom[v], recordedTo[v]).
  private int[] recordedFrom = new int[INITIAL_VALUES + 1];
  private int[] recordedTo = new int[INITIAL_VALUES + 1];
  private byte[] recordedKinds = new byte[INITIAL_VALUES];
  private int[] recordedSlots = new int[INITIAL_VALUES];
  private int[] recordedDepths = new int[INITIAL_VALUES];
  private int recordedValues;
  private boolean recordingOverflowed;

  // The shape kept: segment v is bytes[segmentStarts[v], segmentStarts[v + 1]), the last one after the last value.
  byte[] bytes = new byte[128];
  int[] segmentStarts = new int[INITIAL_VALUES + 2];
  byte[] kinds = new byte[INITIAL_VALUES];
  int[] slots = new int[INITIAL_VALUES];
  int[] depths = new int[INITIAL_VALUES];
  /** Per segment of at most eight bytes: its bytes as a little-endian word, and the mask of its bytes in a word. */
  private long[] heads = new long[INITIAL_VALUES + 1];
  private long[] headMasks = new long[INITIAL_VALUES + 1];
  /** Leaf values of the kept shape; -1 while there is none. */
  int values = -1;

  /** Doubles every array, keeping what they hold (the kept shape stays usable). */
  private void grow() {
    capacity *= 2;
    recordedFrom = Arrays.copyOf(recordedFrom, capacity + 1);
    recordedTo = Arrays.copyOf(recordedTo, capacity + 1);
    recordedKinds = Arrays.copyOf(recordedKinds, capacity);
    recordedSlots = Arrays.copyOf(recordedSlots, capacity);
    recordedDepths = Arrays.copyOf(recordedDepths, capacity);
    segmentStarts = Arrays.copyOf(segmentStarts, capacity + 2);
    kinds = Arrays.copyOf(kinds, capacity);
    slots = Arrays.copyOf(slots, capacity);
    depths = Arrays.copyOf(depths, capacity);
    heads = Arrays.copyOf(heads, capacity + 1);
    headMasks = Arrays.copyOf(headMasks, capacity + 1);
  }

  void startRecording() {
    recordedValues = 0;
    recordingOverflowed = false;
  }

  /**
   * Records a leaf value of the walk: its segment runs from the end of the previous value (or the
   * line's start) to {@code segmentTo}, which for a string is just after its opening quote.
   */
  void recordValue(int segmentFrom, int segmentTo, byte kind, int slot, int depth) {
    if (recordingOverflowed) {
      return;
    }
    if (recordedValues == capacity) {
      if (capacity == MAX_VALUES) {
        recordingOverflowed = true;
        return;
      }
      grow();
    }
    recordedFrom[recordedValues] = segmentFrom;
    recordedTo[recordedValues] = segmentTo;
    recordedKinds[recordedValues] = kind;
    recordedSlots[recordedValues] = slot;
    recordedDepths[recordedValues] = depth;
    recordedValues++;
  }

  /** Keeps the recorded walk of a line taken as the shape; {@code lastValueEnd} to {@code end} is the last segment. */
  void keepRecorded(byte[] line, int lastValueEnd, int end) {
    if (recordingOverflowed) {
      return;
    }
    recordedFrom[recordedValues] = lastValueEnd;
    recordedTo[recordedValues] = end;
    int total = 0;
    for (int v = 0; v <= recordedValues; v++) {
      total += recordedTo[v] - recordedFrom[v];
    }
    if (total > bytes.length) {
      // Grows only while a stream's shapes get longer: not per line.
      bytes = new byte[Math.max(total, bytes.length * 2)];
    }
    int at = 0;
    for (int v = 0; v <= recordedValues; v++) {
      segmentStarts[v] = at;
      int length = recordedTo[v] - recordedFrom[v];
      System.arraycopy(line, recordedFrom[v], bytes, at, length);
      at += length;
    }
    segmentStarts[recordedValues + 1] = at;
    for (int v = 0; v <= recordedValues; v++) {
      int length = segmentStarts[v + 1] - segmentStarts[v];
      long head = 0;
      for (int i = Math.min(length, Long.BYTES) - 1; i >= 0; i--) {
        head = (head << 8) | (bytes[segmentStarts[v] + i] & 0xFF);
      }
      heads[v] = head;
      headMasks[v] = length >= Long.BYTES ? -1L : (1L << (8 * length)) - 1;
    }
    System.arraycopy(recordedKinds, 0, kinds, 0, recordedValues);
    System.arraycopy(recordedSlots, 0, slots, 0, recordedValues);
    System.arraycopy(recordedDepths, 0, depths, 0, recordedValues);
    values = recordedValues;
  }

  /**
   * The position after segment {@code segment} of the shape when the line holds it at {@code
   * from} (before {@code end}), else -1.
   */
  int segmentEnd(int segment, byte[] line, int from, int end) {
    int start = segmentStarts[segment];
    int length = segmentStarts[segment + 1] - start;
    int after = from + length;
    if (after > end) {
      return -1;
    }
    if (length <= Long.BYTES && from + Long.BYTES <= line.length) {
      // One word read from the buffer (past the segment, even past the line: only masked bits count).
      return (((long) LONGS.get(line, from) ^ heads[segment]) & headMasks[segment]) == 0 ? after : -1;
    }
    if (length < Long.BYTES) {
      for (int i = 0; i < length; i++) {
        if (line[from + i] != bytes[start + i]) {
          return -1;
        }
      }
      return after;
    }
    // Eight bytes a step, the last step overlapping the one before: segments are mostly 8 to 20
    // bytes, where Arrays.equals's vectorised mismatch costs more than it saves (it showed in profiles).
    for (int i = 0; i < length - Long.BYTES; i += Long.BYTES) {
      if ((long) LONGS.get(line, from + i) != (long) LONGS.get(bytes, start + i)) {
        return -1;
      }
    }
    return (long) LONGS.get(line, after - Long.BYTES) == (long) LONGS.get(bytes, start + length - Long.BYTES) ? after : -1;
  }
}
