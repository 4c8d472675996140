package dev.tonari.store.part;

import dev.tonari.store.bloom.NeedleProbes;

import java.io.IOException;
import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.ScanListener;

/**
 * Iterates one stream of a part (see {@link PartReader#cursor}) on the caller's thread. Blocks are
 * read one at a time by a {@link BlockDecoder} of its own: the CRC of the compressed bytes is
 * checked, then zstd decompresses straight from the part's buffer into a byte array that is
 * reused for every block, and the columns are decoded into reused arrays. Lines are tested and
 * exposed in place, so scanning allocates nothing per entry; structured metadata is decoded only
 * when asked for. A {@link LiteralLinePredicate} filter is searched over the whole block at once,
 * and so are the literals of a {@link dev.tonari.store.PrefilteredLinePredicate} (its confirmation
 * then runs on the lines holding them only).
 * Every block read is reported to the {@link ScanListener} (before it is read, and with its lines
 * inside the time range once decoded); its {@link dev.tonari.store.ScanAbortedException} leaves
 * {@link #next()} unchanged.
 *
 * <p>One thread at a time. {@link #close()} frees the native zstd context.
 */
public final class PartCursor implements EntryCursor {
  private final PartReader reader;
  private final int streamIndex;
  private final Labels labels;
  private final int firstBlock;
  private final int endBlock;
  private final long fromNanos;
  private final long toNanos;
  private final boolean forward;
  private final LinePredicate lineFilter;
  /** The literals of a {@link LiteralLinePredicate} filter (see {@link BlockDecoder#latin1Keys}); null otherwise. */
  private final String[] literalKeys;
  private final NeedleProbes[] probes;
  private final ScanListener scanListener;
  private final BlockDecoder decoder = new BlockDecoder();

  /** Next block to consider: counts up when forward, down when backward. */
  private int nextBlock;
  private boolean exhausted;

  /** Entries [low, high) of the current block are inside the time range. */
  private int low;
  private int high;
  private int index;
  /** With literal keys: position in the decoder's matches. */
  private int matchPosition;
  private boolean blockLoaded;
  private boolean positioned;

  private final MetadataDecoder metadataDecoder = new MetadataDecoder();

  PartCursor(
      PartReader reader, int streamIndex, Labels labels, int firstBlock, int endBlock, long fromNanos, long toNanos,
      Direction direction, LinePredicate lineFilter, NeedleProbes[] probes, ScanListener scanListener) {
    this.reader = reader;
    this.streamIndex = streamIndex;
    this.labels = labels;
    this.firstBlock = firstBlock;
    this.endBlock = endBlock;
    this.fromNanos = fromNanos;
    this.toNanos = toNanos;
    this.forward = direction == Direction.FORWARD;
    this.lineFilter = lineFilter;
    this.literalKeys = BlockDecoder.latin1Keys(lineFilter);
    this.probes = probes;
    this.scanListener = scanListener;
    this.nextBlock = forward ? firstBlock : endBlock - 1;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  public int streamIndex() {
    return streamIndex;
  }

  @Override
  public boolean next() throws IOException {
    positioned = false;
    while (!exhausted) {
      if (blockLoaded && literalKeys != null) {
        if (forward ? ++matchPosition < decoder.matchCount : --matchPosition >= 0) {
          reader.stats.entriesScanned.increment();
          index = decoder.matches[matchPosition];
          positioned = true;
          return true;
        }
        blockLoaded = false;
      } else if (blockLoaded) {
        byte[] raw = decoder.raw;
        int[] lineOffsets = decoder.lineOffsets;
        int[] lineLengths = decoder.lineLengths;
        if (forward) {
          while (++index < high) {
            reader.stats.entriesScanned.increment();
            if (lineFilter.test(raw, lineOffsets[index], lineLengths[index])) {
              positioned = true;
              return true;
            }
          }
        } else {
          while (--index >= low) {
            reader.stats.entriesScanned.increment();
            if (lineFilter.test(raw, lineOffsets[index], lineLengths[index])) {
              positioned = true;
              return true;
            }
          }
        }
        blockLoaded = false;
      }
      loadNextBlock();
    }
    return false;
  }

  /** Loads the next block in the direction that may hold wanted entries, or marks the end. */
  private void loadNextBlock() throws IOException {
    while (forward ? nextBlock < endBlock : nextBlock >= firstBlock) {
      int block = nextBlock;
      nextBlock += forward ? 1 : -1;
      BlockPlan plan = BlockPlan.of(reader, block, fromNanos, toNanos, forward, probes);
      if (plan == BlockPlan.END) {
        break;
      }
      if (plan == BlockPlan.SKIP) {
        continue;
      }
      scanListener.beforeBlock();
      decoder.decode(reader, block, streamIndex, block - firstBlock);
      metadataDecoder.forget();
      low = decoder.lowerBound(fromNanos);
      high = decoder.lowerBound(toNanos);
      if (low < high) {
        scanListener.blockScanned(high - low, decoder.lineBytes(low, high));
        index = forward ? low - 1 : high;
        if (literalKeys != null) {
          decoder.findMatches(low, high, lineFilter, literalKeys);
          if (decoder.matchCount == 0) {
            continue;
          }
          matchPosition = forward ? -1 : decoder.matchCount;
        }
        blockLoaded = true;
        return;
      }
    }
    exhausted = true;
  }

  private void ensurePositioned() {
    if (!positioned) {
      throw new IllegalStateException("cursor of part " + reader.name() + " is not on an entry; call next() first");
    }
  }

  @Override
  public long timestamp() {
    ensurePositioned();
    return decoder.timestamps[index];
  }

  @Override
  public byte[] lineBuffer() {
    ensurePositioned();
    return decoder.raw;
  }

  @Override
  public int lineOffset() {
    ensurePositioned();
    return decoder.lineOffsets[index];
  }

  @Override
  public int lineLength() {
    ensurePositioned();
    return decoder.lineLengths[index];
  }

  @Override
  public Labels metadata() {
    ensurePositioned();
    return metadataDecoder.decode(decoder.raw, decoder.metadataOffsets[index], decoder.metadataOffsets[index + 1]);
  }

  @Override
  public void close() {
    decoder.close();
    exhausted = true;
    positioned = false;
  }
}
