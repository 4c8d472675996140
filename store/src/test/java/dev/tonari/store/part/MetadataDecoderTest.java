package dev.tonari.store.part;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cursor's metadata cache answers what decoding every record afresh answers, whatever the order of records. */
class MetadataDecoderTest {
  private static final List<Labels> POOL = List.of(
      Labels.EMPTY,
      Labels.of("detected_level", "info"),
      Labels.of("detected_level", "warn"),
      Labels.of("detected_level", "error"),
      Labels.of("detected_level", "debug"),
      Labels.of("detected_level", "info", "trace_id", "4bf92f3577b34da6"),
      Labels.of("detected_level", "infp"),
      Labels.of("détecté", "ü"));

  @Test
  void cachedRecordsDecodeAsFreshOnesInAnyOrder() {
    for (long seed = 0; seed < 50; seed++) {
      Random random = new Random(seed);
      MetadataDecoder decoder = new MetadataDecoder();
      int pool = 1 + random.nextInt(POOL.size());
      for (int i = 0; i < 2_000; i++) {
        Labels wanted = POOL.get(random.nextInt(pool));
        // Each record at a random offset of a buffer with other bytes around it, as in a block's column.
        byte[] record = encode(wanted);
        byte[] buffer = new byte[record.length + 16];
        random.nextBytes(buffer);
        int start = random.nextInt(8);
        System.arraycopy(record, 0, buffer, start, record.length);
        Labels decoded = decoder.decode(buffer, start, start + record.length);
        assertThat(decoded).as("seed %d entry %d", seed, i).isEqualTo(wanted).isEqualTo(BlockDecoder.decodeMetadata(buffer, start, start + record.length));
        if (random.nextInt(50) == 0) {
          decoder.forget();
        }
      }
    }
  }

  @Test
  void aRepeatedRecordIsTheSameInstanceWhileRemembered() {
    MetadataDecoder decoder = new MetadataDecoder();
    byte[] info = encode(POOL.get(1));
    Labels first = decoder.decode(info, 0, info.length);
    for (int other = 2; other < 1 + MetadataDecoder.REMEMBERED; other++) {
      byte[] record = encode(POOL.get(other));
      decoder.decode(record, 0, record.length);
    }
    assertThat(decoder.decode(info, 0, info.length)).as("still among the last %d records", MetadataDecoder.REMEMBERED).isSameAs(first);
  }

  private static byte[] encode(Labels labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      byte[] name = labels.name(i).getBytes(StandardCharsets.UTF_8);
      byte[] value = labels.value(i).getBytes(StandardCharsets.UTF_8);
      out.write(name.length);
      out.writeBytes(name);
      out.write(value.length);
      out.writeBytes(value);
    }
    return out.toByteArray();
  }
}
