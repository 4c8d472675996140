package dev.tonari.store.part;

import dev.tonari.store.bloom.NeedleProbes;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.ScanAbortedException;
import dev.tonari.store.ScanListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Iterates one stream of a part like {@link PartCursor}, but decodes and filters its blocks ahead
 * of the consumer on a shared {@link BlockScanPool}: each block becomes a task that decompresses
 * it, applies the time range and the line filter, and copies out only the matching entries, so a
 * selective scan ships little from the scan threads to the consumer.
 *
 * <p><b>How far ahead.</b> At most {@link BlockScanPool#blocksAhead()} blocks are queued, running
 * or waiting to be taken (one for an unfiltered scan, whose copies are whole blocks: memory per
 * cursor stays at a few blocks' worth of matched lines). The first candidate blocks are queued by {@link #startReadAhead()} (so that
 * priming many cursors runs in parallel: all of the read-ahead for a filtered scan, one block for
 * an unfiltered one) or by the first {@link #next()}; more are queued only once the consumer has taken half of
 * the current block's entries, or found a block without any: a query that wants the newest 100
 * lines of a stream reads its newest block and nothing else, and a scan that keeps going soon has
 * the full read-ahead.
 *
 * <p><b>No waiting on the queue.</b> When the consumer needs a block whose task has not started,
 * it runs the task itself; it only waits for a task that a scan thread is already running. So a
 * query never deadlocks or queues behind other cursors' read-ahead, however many cursors are open.
 *
 * <p><b>Close</b> cancels the tasks not yet started (and a task that starts after close does
 * nothing), so a query that stops after its limit stops reading. <b>Errors</b> of a task (a
 * {@link CorruptPartException} carrying part, stream, block and offset, or a runtime exception
 * from the line filter) are thrown by {@link #next()} on the consumer's thread, unchanged.
 *
 * <p><b>Scan listener.</b> Each task calls the {@link ScanListener} before it decodes its block
 * and with the block's lines in range once decoded, on the thread that runs it. When the listener
 * stops the scan ({@link ScanAbortedException}), the cursor queues no more blocks, tasks of it that
 * start later throw the same exception without reading, and {@link #next()} throws it from then
 * on; the listener's {@link ScanListener#beforeBlock()} lets tasks of the other cursors of the
 * same query stop too.
 *
 * <p>Entries come out exactly as from {@link PartCursor}. One consumer thread at a time; the line
 * filter must be safe to call from several threads at once.
 */
public final class PrefetchingPartCursor implements EntryCursor {
  private final PartReader reader;
  private final BlockScanPool pool;
  private final int streamIndex;
  private final Labels labels;
  private final int firstBlock;
  private final int endBlock;
  private final long fromNanos;
  private final long toNanos;
  private final boolean forward;
  private final LinePredicate lineFilter;
  private final String[] literalKeys;
  private final NeedleProbes[] probes;
  private final ScanListener scanListener;
  /** The pool's read-ahead, or 1 block for an unfiltered scan (whose copies are whole blocks). */
  private final int blocksAhead;
  private final ArrayDeque<FutureTask<ScannedBlock>> inFlight = new ArrayDeque<>();

  /** Next block to plan: counts up when forward, down when backward. */
  private int nextBlock;
  private boolean planned;
  private volatile boolean closed;
  /** Set when the listener stopped the scan, by whichever thread saw it first. */
  private volatile ScanAbortedException aborted;

  private ScannedBlock current = ScannedBlock.EMPTY;
  /** Entries of the current block handed out so far. */
  private int taken;
  private int index;
  private boolean readAheadRequested;
  private boolean positioned;

  private final MetadataDecoder metadataDecoder = new MetadataDecoder();

  PrefetchingPartCursor(
      PartReader reader, BlockScanPool pool, int streamIndex, Labels labels, int firstBlock, int endBlock, long fromNanos, long toNanos,
      Direction direction, LinePredicate lineFilter, NeedleProbes[] probes, ScanListener scanListener) {
    this.reader = reader;
    this.pool = pool;
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
    this.blocksAhead = lineFilter == LinePredicate.ALL ? 1 : pool.blocksAhead();
    this.nextBlock = forward ? firstBlock : endBlock - 1;
  }

  /**
   * Queues the first candidate block now, before the consumer asks for it, so that priming many
   * cursors runs on the scan threads in parallel. Without it the first {@link #next()} reads it.
   */
  public void startReadAhead() {
    // A filtered scan usually goes on past its first block (and its copies are small): queue the
    // full read-ahead. An unfiltered one may stop within the first block (the newest 100 lines).
    readAhead(lineFilter == LinePredicate.ALL ? 1 : blocksAhead);
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public boolean next() throws IOException {
    positioned = false;
    ScanAbortedException stopped = aborted;
    if (stopped != null) {
      throw stopped;
    }
    while (true) {
      if (taken < current.size()) {
        index = forward ? taken : current.size() - 1 - taken;
        taken++;
        if (!readAheadRequested && taken * 2 >= current.size()) {
          readAheadRequested = true;
          readAhead(blocksAhead);
        }
        positioned = true;
        return true;
      }
      FutureTask<ScannedBlock> task = inFlight.poll();
      if (task == null) {
        // Nothing was queued: either the plan is done or read-ahead has not been asked for yet.
        readAhead(1);
        task = inFlight.poll();
        if (task == null) {
          current = ScannedBlock.EMPTY;
          return false;
        }
      }
      try {
        current = await(task);
      } catch (ScanAbortedException e) {
        abandonReadAhead(e);
        throw e;
      }
      taken = 0;
      readAheadRequested = false;
      if (current.size() == 0) {
        readAheadRequested = true;
        readAhead(blocksAhead);
      }
    }
  }

  /** After an abort: nothing more is queued, and the tasks not yet started never read their blocks. */
  private void abandonReadAhead(ScanAbortedException cause) {
    aborted = cause;
    FutureTask<ScannedBlock> task;
    while ((task = inFlight.poll()) != null) {
      task.cancel(false);
    }
    current = ScannedBlock.EMPTY;
    taken = 0;
  }

  private ScannedBlock await(FutureTask<ScannedBlock> task) throws IOException {
    // Runs the task here unless a scan thread has started it already (then this is a no-op).
    task.run();
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for a block of part " + reader.name() + ", stream " + labels);
      interrupted.initCause(e);
      throw interrupted;
    } catch (CancellationException e) {
      throw new IOException("cursor over part " + reader.name() + ", stream " + labels + " was closed", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("scanning a block of part " + reader.name() + ", stream " + labels + " failed", cause);
    }
  }

  /** Plans blocks until {@code limit} are in flight or the stream's range is done, queueing each. */
  private void readAhead(int limit) {
    while (!planned && !closed && aborted == null && inFlight.size() < limit) {
      if (forward ? nextBlock >= endBlock : nextBlock < firstBlock) {
        planned = true;
        return;
      }
      int block = nextBlock;
      nextBlock += forward ? 1 : -1;
      BlockPlan plan = BlockPlan.of(reader, block, fromNanos, toNanos, forward, probes);
      if (plan == BlockPlan.END) {
        planned = true;
        return;
      }
      if (plan == BlockPlan.READ) {
        FutureTask<ScannedBlock> task = new FutureTask<>(() -> scan(block));
        inFlight.add(task);
        // A remote part starts fetching now, so blocks arrive in parallel however few scan threads run.
        reader.prefetchBlock(block);
        // A closed pool leaves the task to the consumer, which runs it when it gets there.
        pool.submit(task);
      }
    }
  }

  /** The task of one block: runs on a scan thread or, when the consumer gets there first, on the consumer's. */
  private ScannedBlock scan(int block) throws IOException {
    if (closed) {
      return ScannedBlock.EMPTY;
    }
    ScanAbortedException stopped = aborted;
    if (stopped != null) {
      throw stopped;
    }
    try {
      scanListener.beforeBlock();
    } catch (ScanAbortedException e) {
      aborted = e;
      throw e;
    }
    BlockDecoder decoder = pool.borrowDecoder();
    try {
      decoder.decode(reader, block, streamIndex, block - firstBlock);
      int low = decoder.lowerBound(fromNanos);
      int high = decoder.lowerBound(toNanos);
      if (low >= high) {
        return ScannedBlock.EMPTY;
      }
      try {
        scanListener.blockScanned(high - low, decoder.lineBytes(low, high));
      } catch (ScanAbortedException e) {
        aborted = e;
        throw e;
      }
      decoder.findMatches(low, high, lineFilter, literalKeys);
      reader.stats.entriesScanned.add(literalKeys != null ? decoder.matchCount : high - low);
      return decoder.matchCount == 0 ? ScannedBlock.EMPTY : decoder.copyMatches();
    } finally {
      pool.returnDecoder(decoder);
    }
  }

  private void ensurePositioned() {
    if (!positioned) {
      throw new IllegalStateException("cursor of part " + reader.name() + " is not on an entry; call next() first");
    }
  }

  @Override
  public long timestamp() {
    ensurePositioned();
    return current.timestamps()[index];
  }

  @Override
  public byte[] lineBuffer() {
    ensurePositioned();
    return current.lines();
  }

  @Override
  public int lineOffset() {
    ensurePositioned();
    return current.lineOffsets()[index];
  }

  @Override
  public int lineLength() {
    ensurePositioned();
    return current.lineLengths()[index];
  }

  @Override
  public Labels metadata() {
    ensurePositioned();
    return metadataDecoder.decode(current.metadata(), current.metadataOffsets()[index], current.metadataOffsets()[index + 1]);
  }

  /** Cancels the read-ahead: tasks not started never run, a running one finishes its block. */
  @Override
  public void close() {
    closed = true;
    FutureTask<ScannedBlock> task;
    while ((task = inFlight.poll()) != null) {
      task.cancel(false);
    }
    current = ScannedBlock.EMPTY;
    positioned = false;
  }
}
