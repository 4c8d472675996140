package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.ScanListener;
import dev.tonari.store.bloom.NeedleProbes;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The version-4 decoder fed damaged parts: random flips, truncations, random files, and damage
 * behind re-computed checksums (a bloom region, the footer, a block with its CRC re-sealed, so that
 * the parsers behind the checksums see the garbage). Every case either reads (a re-sealed part may
 * be a valid, different part) or fails with a {@link CorruptPartException} naming the part, and
 * for damage inside a block or bloom region also the file offset; never another exception, a hang
 * (the test's timeout) or an allocation of more than {@value #MAX_ALLOCATION_PER_CASE} bytes.
 */
class PartVersionFourFuzzTest {
  private static final long MAX_ALLOCATION_PER_CASE = 64L << 20;
  private static final int CASES = 2500;
  private static byte[] original;
  private static PartReader intact;

  @BeforeAll
  static void writePart() throws Exception {
    TreeMap<Labels, List<Entry>> streams = FoldedFilterDifferentialTest.mixedCaseStreams(new SplittableRandom(404));
    streams.putAll(PartTestData.randomStreams(new SplittableRandom(405), 2, 60));
    Path file = Files.createTempFile("tonari-fuzz-v4", ".part");
    try {
      PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(700), streams);
      original = Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
    intact = PartReader.open("intact", ByteBuffer.wrap(original));
    assertThat(intact.version).isEqualTo(PartFormat.VERSION);
    assertThat(intact.firstBlockOf(intact.streams().size())).isGreaterThanOrEqualTo(4);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void damagedVersionFourPartsFailOnlyAsCorruptParts() {
    SplittableRandom random = new SplittableRandom(20261207);
    int failed = 0;
    int[] byKind = new int[6];
    for (int round = 0; round < CASES; round++) {
      int kind = random.nextInt(6);
      byte[] damaged = switch (kind) {
        case 0 -> flipped(random);
        case 1 -> Arrays.copyOf(original, random.nextInt(original.length));
        case 2 -> randomFile(random);
        case 3 -> resealedBloomDamage(random);
        case 4 -> resealedFooterDamage(random);
        default -> resealedBlockDamage(random);
      };
      CorruptPartException corrupt = readAll("case-" + round + ".part", damaged, kind, round);
      if (corrupt != null) {
        failed++;
        byKind[kind]++;
        assertThat(corrupt.getMessage()).as("case %d (kind %d)", round, kind).contains("case-" + round + ".part");
        if (kind == 3 || kind == 5) {
          assertThat(corrupt.offset()).as("offset of case %d (kind %d): %s", round, kind, corrupt.getMessage()).isPositive();
        }
      }
    }
    // Damage is found, not ignored: most cases of every kind fail.
    assertThat(failed).isGreaterThan(CASES / 2);
    for (int kind = 0; kind < byKind.length; kind++) {
      assertThat(byKind[kind]).as("failures of kind %d", kind).isPositive();
    }
  }

  @Test
  void aVersionFourPartWithAKindOneRegionOrAVersionThreePartWithAKindTwoRegionIsCorrupt() throws Exception {
    byte[] bytes = original.clone();
    // The version fields, header and trailer, say 3 while the regions are folded.
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(16, PartFormat.VERSION_3);
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(trailer + 20, PartFormat.VERSION_3);
    resealTrailer(bytes);
    CorruptPartException corrupt = readAll("relabelled.part", bytes, -1, -1);
    assertThat(corrupt).isNotNull();
    assertThat(corrupt.getMessage()).contains("relabelled.part").contains("version 3 part must have token").contains("offset");
  }

  /** Reads every stream, with and without needles; null when it read, the exception when the part was corrupt. */
  private static CorruptPartException readAll(String name, byte[] damaged, int kind, int round) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    try {
      PartReader reader = PartReader.open(name, ByteBuffer.wrap(damaged));
      PartTestData.readEverything(reader);
      NeedleProbes[] exact = NeedleProbes.of(List.of("trace_id=4bf92f3577b34da6", "Error"));
      NeedleProbes[] ignoringCase = NeedleProbes.ofCaseInsensitive(List.of("TIMEOUT", "deadlock"));
      for (int s = 0; s < reader.streams().size(); s++) {
        PartTestData.drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.BACKWARD, null, exact, ScanListener.NONE));
        PartTestData.drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, null, ignoringCase, ScanListener.NONE));
      }
      return null;
    } catch (CorruptPartException expected) {
      return expected;
    } catch (Exception | Error other) {
      throw new AssertionError("case " + round + " (kind " + kind + ") raised " + other + " instead of CorruptPartException", other);
    } finally {
      long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
      assertThat(allocated).as("bytes allocated by case %d (kind %d)", round, kind).isLessThan(MAX_ALLOCATION_PER_CASE);
    }
  }

  private static byte[] flipped(SplittableRandom random) {
    byte[] bytes = original.clone();
    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
    }
    return bytes;
  }

  /** Random bytes between a valid header and a trailer that points into them, so that the footer parser runs on garbage. */
  private static byte[] randomFile(SplittableRandom random) {
    byte[] bytes = new byte[PartFormat.HEADER_BYTES + PartFormat.TRAILER_BYTES + random.nextInt(4000)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    System.arraycopy(original, 0, bytes, 0, PartFormat.HEADER_BYTES);
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int footerOffset = PartFormat.HEADER_BYTES + random.nextInt(trailer - PartFormat.HEADER_BYTES + 1);
    out.putLong(trailer, footerOffset);
    out.putLong(trailer + 8, trailer - footerOffset);
    out.putInt(trailer + 20, PartFormat.VERSION);
    System.arraycopy(PartFormat.MAGIC, 0, bytes, trailer + 28, 4);
    resealFooter(bytes);
    return bytes;
  }

  /** Bytes of one block's bloom region changed (kind byte, word count, hash count or bits), its CRC and the footer's re-sealed. */
  private static byte[] resealedBloomDamage(SplittableRandom random) {
    byte[] bytes = original.clone();
    int block = random.nextInt(intact.firstBlockOf(intact.streams().size()));
    int bloomOffset = (int) intact.blockOffset[block] + intact.blockCompressedSize[block];
    int bloomSize = intact.blockBloom[block].serializedSize();
    int position = switch (random.nextInt(4)) {
      case 0 -> bloomOffset + 4;
      case 1 -> bloomOffset + 5 + random.nextInt(4);
      case 2 -> bloomOffset + 9;
      default -> bloomOffset + random.nextInt(bloomSize);
    };
    bytes[position] = (byte) random.nextInt(256);
    int entry = directoryEntry(bytes, block);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(entry + 44, crc32c(bytes, bloomOffset, bloomSize));
    resealFooter(bytes);
    return bytes;
  }

  /** Footer bytes changed and the footer CRC re-sealed: the structure checks must catch what the CRC no longer does. */
  private static byte[] resealedFooterDamage(SplittableRandom random) {
    byte[] bytes = original.clone();
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    int footerOffset = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(trailer);
    for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
      bytes[footerOffset + random.nextInt(trailer - footerOffset)] = (byte) random.nextInt(256);
    }
    resealFooter(bytes);
    return bytes;
  }

  /** A block's compressed bytes changed and its CRC re-sealed: zstd and the column decoders see the garbage. */
  private static byte[] resealedBlockDamage(SplittableRandom random) {
    byte[] bytes = original.clone();
    int block = random.nextInt(intact.firstBlockOf(intact.streams().size()));
    int offset = (int) intact.blockOffset[block];
    int size = intact.blockCompressedSize[block];
    for (int changes = 1 + random.nextInt(4); changes > 0; changes--) {
      bytes[offset + random.nextInt(size)] = (byte) random.nextInt(256);
    }
    int entry = directoryEntry(bytes, block);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(entry + 36, crc32c(bytes, offset, size));
    resealFooter(bytes);
    return bytes;
  }

  /** Where the block's 48-byte directory entry starts in the footer: found by its offset and sizes. */
  private static int directoryEntry(byte[] bytes, int block) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    int footerOffset = (int) in.getLong(trailer);
    for (int at = footerOffset; at + PartFormat.BLOCK_DIRECTORY_ENTRY_BYTES <= trailer; at++) {
      if (in.getLong(at) == intact.blockOffset[block] && in.getInt(at + 8) == intact.blockCompressedSize[block]
          && in.getInt(at + 40) == intact.blockBloom[block].serializedSize()) {
        return at;
      }
    }
    throw new AssertionError("no directory entry for block " + block);
  }

  /** Re-computes the footer CRC and the trailer's own CRC. */
  private static void resealFooter(byte[] bytes) {
    ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    long footerOffset = out.getLong(trailer);
    if (footerOffset >= PartFormat.HEADER_BYTES && footerOffset <= trailer) {
      out.putInt(trailer + 16, crc32c(bytes, (int) footerOffset, trailer - (int) footerOffset));
    }
    resealTrailer(bytes);
  }

  private static void resealTrailer(byte[] bytes) {
    int trailer = bytes.length - PartFormat.TRAILER_BYTES;
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(trailer + 24, crc32c(bytes, trailer, 24));
  }

  private static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
