package dev.tonari.store.bloom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BloomFilterTest {
  @Property(tries = 200)
  void addedHashesAreAlwaysFound(@ForAll @Size(max = 2000) List<Long> hashes, @ForAll @DoubleRange(min = 0.0001, max = 0.5) @Scale(5) double rate) {
    BloomFilter filter = BloomFilter.forExpected(hashes.size(), rate);
    hashes.forEach(filter::add);
    BloomFilter read = BloomFilter.readFrom(ByteBuffer.wrap(filter.toByteArray()));
    for (long hash : hashes) {
      assertThat(filter.mightContain(hash)).as("built filter contains %d", hash).isTrue();
      assertThat(read.mightContain(hash)).as("read filter contains %d", hash).isTrue();
    }
  }

  @Test
  void measuredFalsePositiveRateIsNearTheTarget() {
    for (double target : new double[] {0.1, 0.01, 0.001}) {
      SplittableRandom random = new SplittableRandom(42);
      int items = 20_000;
      BloomFilter filter = BloomFilter.forExpected(items, target);
      for (int i = 0; i < items; i++) {
        filter.add(random.nextLong());
      }
      int probes = 500_000;
      int falsePositives = 0;
      for (int i = 0; i < probes; i++) {
        if (filter.mightContain(random.nextLong())) {
          falsePositives++;
        }
      }
      double measured = (double) falsePositives / probes;
      assertThat(measured).as("false-positive rate for target %s", target).isBetween(target * 0.5, target * 1.5);
    }
  }

  @Test
  void falsePositiveRateHoldsForRealTermHashes() {
    // Term hashes of similar short tokens must spread as well as random numbers do.
    int items = 5_000;
    BloomFilter filter = BloomFilter.forExpected(items, 0.01);
    for (int i = 0; i < items; i++) {
      byte[] token = ("user" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      filter.add(BloomTerms.hash(BloomTerms.TAG_TOKEN, token, 0, token.length));
    }
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      byte[] token = ("host" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      if (filter.mightContain(BloomTerms.hash(BloomTerms.TAG_TOKEN, token, 0, token.length))) {
        falsePositives++;
      }
    }
    assertThat((double) falsePositives / probes).isLessThan(0.02);
  }

  @Test
  void serializedFormRoundTripsAndIsCompact() {
    BloomFilter filter = BloomFilter.forExpected(1000, 0.01);
    assertThat(filter.serializedSize()).isLessThan(1000 * 10 / 8 + 64);
    for (long i = 0; i < 1000; i++) {
      filter.add(i * 0x9E3779B97F4A7C15L);
    }
    ByteBuffer buffer = ByteBuffer.allocate(filter.serializedSize() + 7);
    buffer.put(new byte[3]);
    filter.writeTo(buffer);
    buffer.flip().position(3);
    BloomFilter read = BloomFilter.readFrom(buffer);
    assertThat(buffer.position()).isEqualTo(3 + filter.serializedSize());
    assertThat(read.hashCount()).isEqualTo(filter.hashCount());
    assertThat(read.bitCount()).isEqualTo(filter.bitCount());
    assertThat(read.toByteArray()).isEqualTo(filter.toByteArray());
  }

  @Test
  void readingRejectsImpossibleShapes() {
    assertThatThrownBy(() -> BloomFilter.readFrom(ByteBuffer.wrap(new byte[] {1, 0, 0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header");
    assertThatThrownBy(() -> BloomFilter.readFrom(ByteBuffer.wrap(new byte[] {2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 words");
    assertThatThrownBy(() -> BloomFilter.readFrom(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash count");
  }

  @Test
  void aReadFilterIsReadOnly() {
    BloomFilter read = BloomFilter.readFrom(ByteBuffer.wrap(BloomFilter.forExpected(10, 0.01).toByteArray()));
    assertThatThrownBy(() -> read.add(1)).isInstanceOf(UnsupportedOperationException.class);
  }
}
