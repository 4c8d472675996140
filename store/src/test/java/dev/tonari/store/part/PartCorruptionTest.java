package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tonari.store.Labels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged part is reported as corrupt, never served as garbage. */
class PartCorruptionTest {
  @TempDir Path directory;
  private byte[] original;
  private Map<Labels, List<Entry>> originalContent;

  @BeforeEach
  void writePart() throws Exception {
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(new SplittableRandom(7), 3, 40);
    Path file = directory.resolve("victim.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(300).withReplaces(List.of("old.part")), streams);
    original = Files.readAllBytes(file);
    originalContent = PartTestData.readEverything(PartReader.open("victim", ByteBuffer.wrap(original)));
    assertThat(originalContent).isEqualTo(streams);
  }

  @Test
  void everySingleByteFlipIsDetectedOrHarmless() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    int detected = 0;
    for (int position = 0; position < original.length; position++) {
      byte[] damaged = original.clone();
      damaged[position] ^= (byte) (1 + random.nextInt(255));
      if (readsIdenticallyOrFailsCleanly(damaged, position)) {
        continue;
      }
      detected++;
    }
    // Every byte of the file is covered by a check, so every flip is detected.
    assertThat(detected).isEqualTo(original.length);
  }

  @Test
  void truncatedFilesAreCorrupt() {
    for (int length = 0; length < original.length; length++) {
      byte[] truncated = Arrays.copyOf(original, length);
      int cut = length;
      assertThatThrownBy(() -> PartTestData.readEverything(PartReader.open("truncated", ByteBuffer.wrap(truncated))))
          .as("truncated to %d of %d bytes", cut, original.length)
          .isInstanceOf(CorruptPartException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void trailingGarbageIsCorrupt() {
    byte[] longer = Arrays.copyOf(original, original.length + 10);
    assertThatThrownBy(() -> PartReader.open("longer", ByteBuffer.wrap(longer))).isInstanceOf(CorruptPartException.class);
  }

  @Test
  void aDamagedBlockIsReportedWithPartStreamBlockAndOffset() throws Exception {
    PartReader intact = PartReader.open("victim", ByteBuffer.wrap(original));
    int blockBytePosition = PartFormat.HEADER_BYTES + 3;
    byte[] damaged = original.clone();
    damaged[blockBytePosition] ^= 0x40;
    PartReader reader = PartReader.open("victim.part", ByteBuffer.wrap(damaged));
    assertThat(reader.summary()).isEqualTo(intact.summary());
    assertThatThrownBy(() -> PartTestData.readEverything(reader))
        .isInstanceOfSatisfying(CorruptPartException.class, e -> {
          assertThat(e.partName()).isEqualTo("victim.part");
          assertThat(e.streamIndex()).isZero();
          assertThat(e.blockIndex()).isZero();
          assertThat(e.offset()).isEqualTo(PartFormat.HEADER_BYTES);
          assertThat(e).hasMessage("corrupt part victim.part: block checksum mismatch (stream 0, block 0, offset 24)");
        });
  }

  @Test
  void notAPartIsRejected() {
    byte[] text = "this is a plain text file, not a part at all, and it is long enough".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PartReader.open("notes.txt", ByteBuffer.wrap(text)))
        .isInstanceOf(CorruptPartException.class).hasMessageContaining("notes.txt").hasMessageContaining("magic");
  }

  /** True when the damaged part reads back exactly as the original; false when it failed with a CorruptPartException. */
  private boolean readsIdenticallyOrFailsCleanly(byte[] damaged, int position) {
    Map<Labels, List<Entry>> content;
    try {
      content = PartTestData.readEverything(PartReader.open("damaged", ByteBuffer.wrap(damaged)));
    } catch (CorruptPartException expected) {
      return false;
    } catch (Exception | Error other) {
      throw new AssertionError("flip at byte " + position + " raised " + other + " instead of CorruptPartException", other);
    }
    if (!content.equals(originalContent)) {
      fail("flip at byte " + position + " served different data without an error");
    }
    return true;
  }
}
