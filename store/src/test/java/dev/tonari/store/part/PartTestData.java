package dev.tonari.store.part;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Random part contents, a list-based reference reader, and helpers to write and read parts. */
final class PartTestData {
  record Entry(long timestamp, String line, Labels metadata) {
    byte[] bytes() {
      return line.getBytes(StandardCharsets.UTF_8);
    }
  }

  static final Comparator<Entry> ORDER =
      Comparator.comparingLong(Entry::timestamp).thenComparing((a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));

  private static final String[] WORDS = {
    "error", "info", "warn", "request", "completed", "connection", "refused", "user", "alice", "bob", "GET", "POST",
    "/api/v1/users", "status=200", "status=500", "duration_ms=12", "timeout", "é", "naïve", "語", "日本語のログ", "😀",
    "trace_id=4bf92f3577b34da6", "x", "", "a-b_c.d", "\"quoted\"", "{\"json\":true}", "\t"
  };

  private PartTestData() {}

  /** Streams in ascending label order, each with entries sorted and unique by (timestamp, line). */
  static TreeMap<Labels, List<Entry>> randomStreams(SplittableRandom random, int maxStreams, int maxEntries) {
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    int streamCount = 1 + random.nextInt(maxStreams);
    for (int s = 0; s < streamCount; s++) {
      Labels labels = Labels.of("app", "app" + random.nextInt(10), "env", random.nextBoolean() ? "prod" : "dev", "pod", "p-" + s);
      int entryCount = random.nextInt(maxEntries + 1);
      long base = 1_700_000_000_000_000_000L + random.nextInt(1000) * 1_000_000L;
      Map<String, Entry> unique = new LinkedHashMap<>();
      for (int i = 0; i < entryCount; i++) {
        // Few distinct timestamps, so equal timestamps are common.
        long timestamp = base + random.nextInt(Math.max(1, entryCount / 3 + 1)) * 1_000L;
        String line = randomLine(random);
        Labels metadata = random.nextInt(4) == 0 ? Labels.of("trace_id", "t" + random.nextInt(5)) : Labels.EMPTY;
        unique.putIfAbsent(timestamp + "\u0000" + line, new Entry(timestamp, line, metadata));
      }
      List<Entry> entries = new ArrayList<>(unique.values());
      entries.sort(ORDER);
      if (!entries.isEmpty()) {
        streams.put(labels, entries);
      }
    }
    return streams;
  }

  static String randomLine(SplittableRandom random) {
    int kind = random.nextInt(20);
    if (kind == 0) {
      return "";
    }
    int words = kind == 1 ? 200 + random.nextInt(400) : random.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(random.nextInt(5) == 0 ? "=" : " ");
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
      if (random.nextInt(4) == 0) {
        sb.append(random.nextInt(100_000));
      }
    }
    return sb.toString();
  }

  static PartSummary write(Path file, PartWriterOptions options, Map<Labels, List<Entry>> streams) throws IOException {
    try (PartWriter writer = new PartWriter(file, options)) {
      for (Map.Entry<Labels, List<Entry>> stream : streams.entrySet()) {
        writer.beginStream(stream.getKey());
        for (Entry e : stream.getValue()) {
          byte[] line = e.bytes();
          // Offsets inside a larger array prove the writer honours offset and length.
          byte[] padded = new byte[line.length + 3];
          System.arraycopy(line, 0, padded, 2, line.length);
          writer.add(e.timestamp(), padded, 2, line.length, e.metadata());
        }
        writer.endStream();
      }
      return writer.finish();
    }
  }

  enum BufferKind {
    HEAP,
    READ_ONLY_HEAP,
    MAPPED
  }

  static ByteBuffer load(Path file, BufferKind kind) throws IOException {
    return switch (kind) {
      case HEAP -> {
        byte[] bytes = Files.readAllBytes(file);
        byte[] padded = new byte[bytes.length + 5];
        System.arraycopy(bytes, 0, padded, 5, bytes.length);
        // A buffer whose position is not 0 and whose array has an offset: the reader must cope.
        yield ByteBuffer.wrap(padded).position(5).slice();
      }
      case READ_ONLY_HEAP -> ByteBuffer.wrap(Files.readAllBytes(file)).asReadOnlyBuffer();
      case MAPPED -> {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          yield channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
      }
    };
  }

  static List<Entry> drain(EntryCursor cursor) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (cursor) {
      while (cursor.next()) {
        entries.add(new Entry(cursor.timestamp(), cursor.line(), cursor.metadata()));
      }
    }
    return entries;
  }

  /** What a correct reader returns: the reference model of {@link PartReader#cursor}. */
  static List<Entry> expected(List<Entry> sorted, long from, long to, Direction direction, LinePredicate filter) {
    List<Entry> result = new ArrayList<>();
    for (Entry e : sorted) {
      byte[] bytes = e.bytes();
      if (e.timestamp() >= from && e.timestamp() < to && filter.test(bytes, 0, bytes.length)) {
        result.add(e);
      }
    }
    if (direction == Direction.BACKWARD) {
      Collections.reverse(result);
    }
    return result;
  }

  /** A line filter like {@code |= literal}, testing bytes in place. */
  static LinePredicate contains(String literal) {
    byte[] needle = literal.getBytes(StandardCharsets.UTF_8);
    return (buffer, offset, length) -> indexOf(buffer, offset, length, needle) >= 0;
  }

  static int indexOf(byte[] buffer, int offset, int length, byte[] needle) {
    outer:
    for (int i = offset; i <= offset + length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buffer[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Every stream's every entry, forward, as the reader serves them. */
  static Map<Labels, List<Entry>> readEverything(PartReader reader) throws IOException {
    Map<Labels, List<Entry>> all = new LinkedHashMap<>();
    for (int s = 0; s < reader.streams().size(); s++) {
      all.put(reader.streams().get(s).labels(),
          drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())));
    }
    return all;
  }
}
