package dev.tonari.store.part;

import static dev.tonari.store.part.PartTestData.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PartReader#readingBlocksFrom}: how a merge reads its local inputs' blocks without their maps. */
class PartReaderBlockSourceTest {
  @TempDir Path directory;

  /** Counts the ranges read, and can flip a byte of every block-sized read. */
  private static final class CountingBytes implements PartBytes {
    private final PartBytes delegate;
    private final boolean corruptBlocks;
    final AtomicInteger reads = new AtomicInteger();

    CountingBytes(PartBytes delegate, boolean corruptBlocks) {
      this.delegate = delegate;
      this.corruptBlocks = corruptBlocks;
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
      reads.incrementAndGet();
      ByteBuffer original = delegate.read(offset, length);
      if (!corruptBlocks) {
        return original;
      }
      ByteBuffer copy = ByteBuffer.allocate(length);
      copy.put(original).flip();
      copy.put(length / 2, (byte) (copy.get(length / 2) ^ 0x40));
      return copy;
    }
  }

  private PartReader writeAndOpen(TreeMap<Labels, List<Entry>> streams) throws IOException {
    Path file = directory.resolve("p.part");
    PartTestData.write(file, PartWriterOptions.defaults("t").withBlockTargetBytes(1_000), streams);
    return PartReader.open(file.toString(), PartTestData.load(file, PartTestData.BufferKind.MAPPED));
  }

  @Test
  void theViewReadsEveryBlockThroughItsSourceAndGivesTheSameEntries() throws Exception {
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(new SplittableRandom(7), 3, 300);
    PartReader reader = writeAndOpen(streams);
    CountingBytes source = new CountingBytes(PartBytes.of(PartTestData.load(directory.resolve("p.part"), PartTestData.BufferKind.HEAP)), false);
    PartReader view = reader.readingBlocksFrom(source);
    int blocks = 0;
    for (int s = 0; s < reader.streams().size(); s++) {
      blocks += reader.streams().get(s).blockCount();
      assertThat(PartTestData.drain(view.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())))
          .isEqualTo(PartTestData.drain(reader.cursor(s, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())));
    }
    assertThat(blocks).isGreaterThan(3);
    assertThat(source.reads.get()).as("one read per block, nothing else").isEqualTo(blocks);
    // Both count into the same statistics: the store's block metrics see the merge's reads as before.
    assertThat(reader.blocksRead()).isEqualTo(2L * blocks);
  }

  @Test
  void aBlockFromTheSourceIsStillCheckedAgainstItsCrc() throws Exception {
    TreeMap<Labels, List<Entry>> streams = PartTestData.randomStreams(new SplittableRandom(8), 1, 200);
    PartReader reader = writeAndOpen(streams);
    PartReader view = reader.readingBlocksFrom(new CountingBytes(PartBytes.of(PartTestData.load(directory.resolve("p.part"), PartTestData.BufferKind.HEAP)), true));
    assertThatThrownBy(() -> PartTestData.drain(view.cursor(0, Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of())))
        .isInstanceOf(CorruptPartException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void aSourceOfAnotherSizeIsRefused() throws Exception {
    PartReader reader = writeAndOpen(PartTestData.randomStreams(new SplittableRandom(9), 1, 50));
    assertThatThrownBy(() -> reader.readingBlocksFrom(PartBytes.of(ByteBuffer.allocate(100))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block source 100");
  }
}
