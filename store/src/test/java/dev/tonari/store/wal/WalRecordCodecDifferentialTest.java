package dev.tonari.store.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sized, single-allocation encoder against a plain {@link DataOutputStream} writing of the
 * layout in {@link WalRecordCodec}'s javadoc (what the encoder did before it took pre-encoded
 * lines), on seeded random records with non-ASCII lines, empty lines and metadata.
 */
class WalRecordCodecDifferentialTest {
  private static final String[] PIECES = {"GET /api", " ", "é", "日本", "\uD83D\uDE00", "status=500", "\"quoted\"", "", "\t", "x"};

  private static String text(Random random, int maxPieces) {
    StringBuilder sb = new StringBuilder();
    int pieces = random.nextInt(maxPieces + 1);
    for (int i = 0; i < pieces; i++) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  private static WalRecord randomRecord(Random random) {
    List<StreamBatch> streams = new ArrayList<>();
    int streamCount = 1 + random.nextInt(4);
    for (int s = 0; s < streamCount; s++) {
      List<LogEntry> entries = new ArrayList<>();
      int entryCount = 1 + random.nextInt(20);
      for (int e = 0; e < entryCount; e++) {
        Labels metadata = random.nextInt(5) == 0 ? Labels.of("trace_id", text(random, 3) + "t") : Labels.EMPTY;
        entries.add(new LogEntry(random.nextLong(), text(random, 30), metadata));
      }
      streams.add(new StreamBatch(Labels.of("app", "a" + random.nextInt(3), "env", text(random, 2) + "e"), entries));
    }
    return new WalRecord("tenant-" + text(random, 2), streams);
  }

  /** The documented layout, written the obvious way. */
  private static byte[] reference(WalRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    byte[] tenant = record.tenant().getBytes(StandardCharsets.UTF_8);
    out.writeShort(tenant.length);
    out.write(tenant);
    out.writeInt(record.streams().size());
    for (StreamBatch stream : record.streams()) {
      byte[] labels = stream.labels().toString().getBytes(StandardCharsets.UTF_8);
      out.writeInt(labels.length);
      out.write(labels);
      out.writeInt(stream.entries().size());
      for (LogEntry entry : stream.entries()) {
        out.writeLong(entry.timestampNanos());
        byte[] line = entry.line().getBytes(StandardCharsets.UTF_8);
        out.writeInt(line.length);
        out.write(line);
        if (entry.metadata().isEmpty()) {
          out.writeInt(0);
        } else {
          byte[] metadata = entry.metadata().toString().getBytes(StandardCharsets.UTF_8);
          out.writeInt(metadata.length);
          out.write(metadata);
        }
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void encodesExactlyTheDocumentedLayoutAndDecodesBack() throws IOException {
    Random random = new Random(1212);
    for (int i = 0; i < 2000; i++) {
      WalRecord record = randomRecord(random);
      byte[] expected = reference(record);
      byte[] encoded = WalRecordCodec.encode(record.tenant(), record.streams(), WalRecordCodec.utf8Lines(record.streams()));
      assertThat(encoded).as("record %d", i).isEqualTo(expected);
      assertThat(WalRecordCodec.encode(record)).isEqualTo(expected);
      assertThat(WalRecordCodec.decode(ByteBuffer.wrap(encoded))).isEqualTo(record);
    }
  }
}
