package dev.tonari.alerts.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random tests of the file format: records survive a round trip, and the decoders and the
 * file reader meet garbage, flipped bytes and cut files with nothing but {@link
 * CorruptHistoryException} (or a shorter valid part), never another exception.
 */
class HistoryCodecFuzzTest {
  private static final long SEED = 0x7a5e_11a7L;
  private static final String TENANT = "team-a";

  @TempDir Path directory;

  @Test
  void recordsSurviveARoundTrip() throws CorruptHistoryException {
    Random random = new Random(SEED);
    for (int i = 0; i < 2000; i++) {
      HistoryRecord record = randomRecord(random);
      byte[] payload = HistoryCodec.payload(record);
      assertThat(HistoryCodec.decode(ByteBuffer.wrap(payload), TENANT)).as("record %d", i).isEqualTo(record);
    }
  }

  @Test
  void garbagePayloadsOnlyEverFailAsCorrupt() {
    Random random = new Random(SEED + 1);
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      if (random.nextBoolean()) {
        bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        if (bytes.length > 0) {
          bytes[0] = (byte) (1 + random.nextInt(3));
        }
      } else {
        bytes = HistoryCodec.payload(randomRecord(random));
        mutate(random, bytes);
      }
      try {
        HistoryCodec.decode(ByteBuffer.wrap(bytes), TENANT);
        decoded++;
      } catch (CorruptHistoryException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        fail("payload %d (seed %d) threw %s", i, SEED + 1, e, e);
      }
    }
    assertThat(decoded).as("some mutations still decode (a changed value is not a broken frame)").isPositive();
  }

  @Test
  void damagedFilesYieldAPrefixOfTheirRecords() throws IOException {
    Random random = new Random(SEED + 2);
    Path file = directory.resolve("2024-05-01.history");
    for (int i = 0; i < 600; i++) {
      List<HistoryRecord> records = new ArrayList<>();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes(HistoryCodec.header(TENANT, 19844));
      int count = 1 + random.nextInt(6);
      for (int r = 0; r < count; r++) {
        HistoryRecord record = randomRecord(random);
        records.add(record);
        bytes.writeBytes(HistoryCodec.frame(record));
      }
      byte[] content = bytes.toByteArray();
      int damage = random.nextInt(3);
      if (damage == 0) {
        content = java.util.Arrays.copyOf(content, random.nextInt(content.length + 1));
      } else if (damage == 1) {
        content[random.nextInt(content.length)] ^= (byte) (1 + random.nextInt(255));
      } else {
        byte[] tail = new byte[1 + random.nextInt(64)];
        random.nextBytes(tail);
        ByteArrayOutputStream appended = new ByteArrayOutputStream();
        appended.writeBytes(content);
        appended.writeBytes(tail);
        content = appended.toByteArray();
      }
      Files.write(file, content);
      List<HistoryRecord> read = new ArrayList<>();
      try {
        HistoryFile.Scan scan = HistoryFile.scan(file, read::add);
        assertThat(scan.records()).isEqualTo(read.size());
        assertThat(records.subList(0, read.size())).as("file %d (seed %d, damage %d)", i, SEED + 2, damage).isEqualTo(read);
        assertThat(scan.validEnd()).isLessThanOrEqualTo(content.length);
      } catch (CorruptHistoryException expected) {
        assertThat(read).isEmpty();
      } catch (RuntimeException e) {
        fail("file %d (seed %d, damage %d) threw %s", i, SEED + 2, damage, e, e);
      }
    }
  }

  @Test
  void randomFilesOnlyEverFailAsCorrupt() throws IOException {
    Random random = new Random(SEED + 3);
    Path file = directory.resolve("garbage.history");
    byte[] header = HistoryCodec.header(TENANT, 1);
    for (int i = 0; i < 2000; i++) {
      byte[] content = new byte[random.nextInt(300)];
      random.nextBytes(content);
      if (random.nextBoolean()) {
        // A valid header, then garbage frames.
        System.arraycopy(header, 0, content, 0, Math.min(header.length, content.length));
      }
      Files.write(file, content);
      try {
        HistoryFile.scan(file, record -> {});
      } catch (CorruptHistoryException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        fail("file %d (seed %d) threw %s", i, SEED + 3, e, e);
      }
    }
  }

  private static void mutate(Random random, byte[] bytes) {
    int flips = 1 + random.nextInt(4);
    for (int f = 0; f < flips && bytes.length > 0; f++) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
  }

  static HistoryRecord randomRecord(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> {
        List<AlertEpisode> episodes = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          episodes.add(randomOpenEpisode(random));
        }
        yield new HistoryRecord.OpenEpisodes(randomInstant(random), episodes);
      }
      case 1 -> {
        AlertState from = AlertState.values()[random.nextInt(3)];
        AlertState to = AlertState.values()[(from.ordinal() + 1 + random.nextInt(2)) % 3];
        AlertTransition transition = new AlertTransition(TENANT, text(random), text(random), text(random), map(random), map(random), from, to,
            randomInstant(random), random.nextInt(5) == 0 ? Double.NaN : random.nextGaussian() * 1000);
        yield new HistoryRecord.Transition(text(random), randomInstant(random), transition);
      }
      default -> new HistoryRecord.Acknowledged(text(random), randomInstant(random), new Acknowledgement(randomInstant(random), text(random), text(random)));
    };
  }

  private static AlertEpisode randomOpenEpisode(Random random) {
    Map<String, String> labels = map(random);
    Optional<Acknowledgement> acknowledgement = random.nextBoolean() ? Optional.empty()
        : Optional.of(new Acknowledgement(randomInstant(random), text(random), text(random)));
    return new AlertEpisode(text(random), TENANT, text(random), text(random), text(random), AlertFingerprint.of(labels), labels, map(random),
        random.nextBoolean() ? AlertState.PENDING : AlertState.FIRING, randomInstant(random),
        random.nextBoolean() ? Optional.empty() : Optional.of(randomInstant(random)), Optional.empty(), acknowledgement, random.nextDouble());
  }

  private static Instant randomInstant(Random random) {
    return Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000));
  }

  private static Map<String, String> map(Random random) {
    Map<String, String> map = new TreeMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      map.put(text(random), text(random));
    }
    return map;
  }

  private static String text(Random random) {
    String alphabet = "abcXYZ_09 -=\"{}é☃\uD83D\uDE00";
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      int at = random.nextInt(alphabet.length() - 1);
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        text.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        text.append(c);
      }
    }
    return text.toString();
  }
}
