package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.part.CorruptPartException;
import dev.tonari.store.part.PartBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The commit object's codec: round trip, lookups, and garbage that is only ever a CorruptPartException. */
class PartCommitTest {
  private static final String KEY = "team/parts/00-00000000000000000042.part";

  private static byte[] sample() throws Exception {
    byte[] part = new byte[1_000];
    new Random(3).nextBytes(part);
    return PartCommit.of(KEY, PartBytes.of(ByteBuffer.wrap(part)), List.of(new long[] {0, 24}, new long[] {300, 50}, new long[] {900, 100})).encode();
  }

  @Test
  void aCommitReadsBackWithItsRanges() throws Exception {
    byte[] part = new byte[1_000];
    new Random(3).nextBytes(part);
    PartCommit commit = PartCommit.decode("c", ByteBuffer.wrap(sample()));
    assertThat(commit.partKey()).isEqualTo(KEY);
    assertThat(commit.partSize()).isEqualTo(1_000);
    assertThat(commit.indexBytes()).isEqualTo(174);
    byte[] found = new byte[20];
    commit.find(310, 20).get(found);
    assertThat(found).isEqualTo(Arrays.copyOfRange(part, 310, 330));
    assertThat(commit.find(340, 20)).as("runs past a range").isNull();
    assertThat(commit.find(100, 4)).as("between ranges").isNull();
    assertThat(commit.find(900, 100)).isNotNull();
  }

  @Test
  void keysMapBothWays() {
    assertThat(PartCommit.keyOf(KEY)).isEqualTo("team/commits/00-00000000000000000042.commit");
    assertThat(PartCommit.partKeyOf("team/commits/00-00000000000000000042.commit")).isEqualTo(KEY);
    assertThat(PartCommit.partKeyOf("team/commits/x.commit")).isNull();
    assertThat(PartCommit.partKeyOf("team/parts/00-1.part")).isNull();
    assertThat(PartCommit.partKeyOf("quarantine/team/commits/00-1.commit")).isNull();
  }

  @Test
  void everyFlippedByteAndEveryTruncationIsACorruptCommit() throws Exception {
    byte[] good = sample();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      assertThatThrownBy(() -> PartCommit.decode("c", ByteBuffer.wrap(bad))).as("flip at %d", i).isInstanceOf(CorruptPartException.class);
    }
    for (int length = 0; length < good.length; length++) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> PartCommit.decode("c", ByteBuffer.wrap(cut))).as("cut at %d", length).isInstanceOf(CorruptPartException.class);
    }
  }

  @Test
  void seededRandomGarbageOnlyEverFailsAsACorruptCommit() throws Exception {
    Random random = new Random(20261206);
    byte[] good = sample();
    for (int round = 0; round < 5_000; round++) {
      byte[] garbage;
      if (random.nextBoolean()) {
        garbage = new byte[random.nextInt(400)];
        random.nextBytes(garbage);
      } else {
        garbage = good.clone();
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          garbage[random.nextInt(garbage.length)] = (byte) random.nextInt(256);
        }
      }
      // A valid CRC over garbage, so the structure checks are reached too.
      if (garbage.length >= 4 && random.nextBoolean()) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(garbage, 0, garbage.length - 4);
        ByteBuffer.wrap(garbage).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(garbage.length - 4, (int) crc.getValue());
      }
      try {
        PartCommit.decode("c", ByteBuffer.wrap(garbage));
      } catch (CorruptPartException expected) {
        // The only failure a decoder may have.
      }
    }
  }
}
