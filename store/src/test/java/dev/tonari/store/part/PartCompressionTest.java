package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import dev.tonari.store.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part must not lose to zstd -3 of the same logs as a flat file (issue 2's compression target). */
class PartCompressionTest {
  @TempDir Path directory;

  private record RawRow(long timestamp, String text) {}

  @Test
  void partIsSmallerThanZstdLevel3OfTheRawLines() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    TreeMap<Labels, List<Entry>> streams = new TreeMap<>();
    List<RawRow> rows = new ArrayList<>();
    String[] apps = {"api", "billing", "auth", "search"};
    String[] paths = {"/api/v1/users", "/api/v1/orders", "/healthz", "/api/v1/search", "/login"};
    String[] levels = {"info", "info", "info", "debug", "warn", "error"};
    for (String app : apps) {
      for (int pod = 0; pod < 3; pod++) {
        Labels labels = Labels.of("app", app, "env", "prod", "pod", app + "-7d9f8-" + pod);
        List<Entry> entries = new ArrayList<>();
        long timestamp = 1_714_000_000_000_000_000L + random.nextInt(1000);
        for (int i = 0; i < 6000; i++) {
          timestamp += 1_000_000L * (1 + random.nextInt(50));
          String level = levels[random.nextInt(levels.length)];
          String path = paths[random.nextInt(paths.length)] + "/" + random.nextInt(5000);
          int status = random.nextInt(20) == 0 ? 500 : 200;
          // Three styles as real services mix them; a trace id on some lines, not all.
          String line = switch (pod) {
            case 0 -> "ts=" + java.time.Instant.ofEpochMilli(timestamp / 1_000_000L) + " level=" + level
                + " msg=\"request completed\" method=GET path=" + path + " status=" + status + " duration_ms=" + random.nextInt(900)
                + (random.nextInt(3) == 0 ? " trace_id=" + Long.toHexString(random.nextLong()) : "");
            case 1 -> "{\"time\":\"" + java.time.Instant.ofEpochMilli(timestamp / 1_000_000L) + "\",\"level\":\"" + level
                + "\",\"msg\":\"handled request\",\"path\":\"" + path + "\",\"status\":" + status + ",\"bytes\":" + random.nextInt(20000) + "}";
            default -> level.toUpperCase(java.util.Locale.ROOT) + " [worker-" + random.nextInt(8) + "] " + app
                + " processed job " + random.nextInt(100_000) + " for customer " + random.nextInt(300) + " in " + random.nextInt(2000) + "ms";
          };
          entries.add(new Entry(timestamp, line, Labels.EMPTY));
          rows.add(new RawRow(timestamp, labels + " " + timestamp + " " + line + "\n"));
        }
        streams.put(labels, entries);
      }
    }
    PartSummary summary = PartTestData.write(directory.resolve("c.part"), PartWriterOptions.defaults("t"), streams);
    PartReader reader = PartReader.open("c", PartTestData.load(directory.resolve("c.part"), PartTestData.BufferKind.MAPPED));
    long blockBytes = 0;
    long bloomBytes = 0;
    long rawBlockBytes = 0;
    for (int b = 0; b < reader.blockOffset.length && reader.blockBloom[b] != null; b++) {
      blockBytes += reader.blockCompressedSize[b];
      rawBlockBytes += reader.blockRawSize[b];
      bloomBytes += reader.blockBloom[b].serializedSize();
    }
    System.out.printf("blocks: raw %d compressed %d, blooms %d%n", rawBlockBytes, blockBytes, bloomBytes);
    // The flat file a person would compress: every stream's rows in arrival (time) order, each
    // with its labels and timestamp, as an export of the logs would hold them.
    rows.sort(java.util.Comparator.comparingLong(RawRow::timestamp));
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (RawRow row : rows) {
      raw.writeBytes(row.text().getBytes(StandardCharsets.UTF_8));
    }
    byte[] rawBytes = raw.toByteArray();
    long zstd3 = Zstd.compress(rawBytes, 3).length;
    System.out.printf("raw %d bytes, zstd -3 %d (%.2fx), part %d (%.2fx)%n",
        rawBytes.length, zstd3, (double) rawBytes.length / zstd3, summary.fileBytes(), (double) rawBytes.length / summary.fileBytes());
    assertThat(summary.fileBytes()).isLessThan(zstd3);
  }
}
