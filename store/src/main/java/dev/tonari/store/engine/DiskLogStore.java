package dev.tonari.store.engine;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.bloom.NeedleProbes;
import dev.tonari.store.head.Head;
import dev.tonari.store.head.HeadStream;
import dev.tonari.store.head.HeadStreamSnapshot;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.part.BlockScanPool;
import dev.tonari.store.part.CorruptPartException;
import dev.tonari.store.part.PartReader;
import dev.tonari.store.part.PartStream;
import dev.tonari.store.part.PartSummary;
import dev.tonari.store.part.PartWriter;
import dev.tonari.store.part.PartWriterOptions;
import dev.tonari.store.wal.RecordBuffers;
import dev.tonari.store.wal.WalRecordCodec;
import dev.tonari.store.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable {@link LogStore}: a write-ahead log, an in-memory head, and immutable parts in an
 * {@link ObjectStore}, merged in the background and deleted by retention.
 *
 * <p><b>Append.</b> Under the read lock an append queues its WAL record to the current segment
 * and inserts the entries into the live head, so WAL segment k holds exactly the records of the
 * head generation that was live with it; it then waits, without the lock, for the group fsync.
 * When {@code append} returns the entries are durable and visible.
 *
 * <p><b>Flush.</b> Under the write lock the WAL moves to a new segment and a new head becomes
 * live; the old head is frozen (still served). One part per tenant is then written from it (a
 * temporary file under {@code tmp/}, then {@code put} as {@code <tenant>/parts/<level>-<sequence>.part}),
 * the frozen head is dropped, and a checkpoint file naming the first WAL segment still needed is
 * written durably before older segments are deleted. A crash at any step leaves either the
 * segments or the parts (or both, which reads and merges de-duplicate).
 *
 * <p><b>Recovery.</b> Parts listed in another part's {@code replaces} are deleted (a merge that
 * crashed before deleting its inputs), parts failing their checksums are set aside, and WAL
 * segments from the checkpoint on are replayed into the head.
 *
 * <p><b>Reads</b> merge, per stream, the frozen heads, the live head and every part whose stream
 * overlaps the range, in the requested direction, de-duplicating equal (timestamp, line) entries
 * across sources. A part that fails a checksum is logged, counted, moved to {@code
 * quarantine/<key>} and dropped; the query goes on with the rest. Part blocks are decoded and
 * filtered ahead of the consumer on a pool of scan threads owned by the store (see {@link
 * dev.tonari.store.part.PrefetchingPartCursor}); a stream's sources join its merge only when the
 * merge reaches their time bounds, so a query that stops early reads only what it needed. Every
 * block read (and every run of head lines) is reported to the request's {@link
 * dev.tonari.store.ScanListener}, from the thread that read it; its {@link
 * dev.tonari.store.ScanAbortedException} stops the scan and reaches the consumer unchanged.
 *
 * <p><b>Maintenance</b> (a background thread, or {@link #maintain()}): flush when the head is too
 * big or too old, merge by {@link MergePolicy}, delete parts past retention.
 *
 * <p><b>Remote object stores</b> ({@link ObjectStore#isRemote()}, S3): a part becomes visible
 * through a commit object that also holds its index, blocks are fetched by range into a local
 * cache, orphans of failed commits are swept, and a store may be read-only (a follower of another
 * server's bucket) or acknowledge pushes only after upload ({@link RemoteStorageOptions}); see
 * {@link RemoteParts}. The WAL stays local either way, and its segments are deleted only after
 * the parts covering them are committed.
 *
 * <p><b>Catalogue</b> ({@link DiskLogStoreConfig#withPartCatalogue}): in a cluster, a {@link
 * PartCatalogue} rather than the object store's listing says which parts exist. The store then
 * serves exactly the catalogue's parts (at open, and at {@link #refreshCatalogue()} or {@link
 * #refreshCatalogueTo(long)}, which cost one {@link PartCatalogue#revision()} call when nothing
 * changed, so a querier may call them before every query; a read-only follower re-reads on its
 * refresh interval only when the revision moved). Every part's sequence comes from the catalogue,
 * so writers sharing a bucket never pick one key. A flush writes every tenant's part of the
 * frozen head, registers them all in one call and only then stops serving the head; a merge or a
 * retention change registers its outputs and removed inputs in one call. A failed registration
 * fails the operation (a flush keeps its head and is retried under new keys), leaving the
 * published objects as orphans that no reader sees. Such a store never sweeps orphans, never
 * quarantines objects, ignores the {@code replaces} of merged parts (the catalogue is the
 * authority), and when {@link PartCatalogue#deletesObjectsLater()} leaves the objects of removed
 * parts to the catalogue's owner ({@link #purgeParts}).
 *
 * <p><b>Writer-only</b> ({@link DiskLogStoreConfig#withWriterOnly}, an ingester's store, which
 * needs a catalogue): no parts are loaded at open, flushed parts are registered but not kept
 * open, and nothing is merged or expired; reads ({@link #select}, {@link #series}, {@link
 * #labelNames}, {@link #labelValues}) answer from the live and frozen heads only. A select takes
 * its snapshot of the heads when it is called: entries a flush moves to parts after select
 * returned are still delivered by the cursors it returned, so a querier that merges an ingester's
 * head cursors with the parts it read ({@link dev.tonari.store.EntryCursors#mergeSources}) loses
 * nothing to a concurrent flush (at worst it reads an entry from both, and the merge returns it
 * once). {@link #headBytes()} and {@link #liveHeadAge()} let the ingester decide when to flush.
 */
public final class DiskLogStore implements LogStore {
  private static final Logger log = LoggerFactory.getLogger(DiskLogStore.class);
  static final String CHECKPOINT_FILE = "checkpoint";
  static final String QUARANTINE_PREFIX = "quarantine/";
  private static final String CHECKPOINT_HEADER = "tonari-checkpoint 1";
  /**
   * Blocks a query cursor may have decoded ahead of its consumer: enough to keep both cores busy
   * while the consumer merges streams, few enough that 300 open cursors hold a few MB of matched
   * lines each at most.
   */
  static final int SCAN_BLOCKS_AHEAD = 3;

  /**
   * The wait a push refused by a full head is told to take: a flush of a full head takes about a
   * second on a laptop disk (writing parts of a 128 MiB head runs at 100-300 MB/s).
   */
  static final long HEAD_FULL_RETRY_SECONDS = 1;
  /** At most this many appends wait for room at once; the others are refused at once. */
  static final int HEAD_FULL_WAITERS = 4;

  /** What reads see; replaced as a whole under {@link #stateLock}. */
  private record State(Head live, List<FrozenHead> frozen, Map<String, List<PartHandle>> parts) {
    List<PartHandle> parts(String tenant) {
      return parts.getOrDefault(tenant, List.of());
    }

    List<Head> heads() {
      List<Head> heads = new ArrayList<>(frozen.size() + 1);
      for (FrozenHead f : frozen) {
        heads.add(f.head);
      }
      heads.add(live);
      return heads;
    }
  }

  /** A head being written to parts, with the tenants already done (so a retry skips them). */
  private static final class FrozenHead {
    final Head head;
    /** Written by the flush's writer threads, one tenant each. */
    final Set<String> persistedTenants = ConcurrentHashMap.newKeySet();

    FrozenHead(Head head) {
      this.head = head;
    }
  }

  /**
   * At most this many tenants' parts are written at once by a flush; half the processors below
   * that, so that the pushes keep the other half. On 2 cores two writers beside the pushes took
   * about 18% more flush CPU than one (caches shared with the handlers) for no steadier ingest,
   * docs/benchmarks.md "Ingest, second cut".
   */
  private static final int FLUSH_WRITER_THREADS = 4;

  private final DiskLogStoreConfig config;
  private final Path dataDirectory;
  private final Path temporaryDirectory;
  private final ObjectStore objectStore;
  private final boolean ownsObjectStore;
  private final WriteAheadLog wal;
  /** Arrays for the WAL records of appends, reused once each record is durable. */
  private final RecordBuffers recordBuffers = new RecordBuffers();
  private final StoreMetrics metrics = new StoreMetrics(this);
  private final ReentrantReadWriteLock appendLock = new ReentrantReadWriteLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private final ReentrantLock maintenanceLock = new ReentrantLock();
  private final Object stateLock = new Object();
  private final Set<String> quarantined = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextSequence = new AtomicLong(1);
  private final AtomicBoolean flushRequested = new AtomicBoolean();
  /** Set when an append was refused by a head bound: the next maintenance round flushes whatever the head's size. */
  private final AtomicBoolean flushForHeadBound = new AtomicBoolean();
  private final java.util.concurrent.Semaphore headWaiters = new java.util.concurrent.Semaphore(HEAD_FULL_WAITERS);
  /** Notified when a flush drops a frozen head: room for the appends waiting on a head bound. */
  private final Object headRoom = new Object();
  private final ScheduledExecutorService maintenance;
  /**
   * Runs merges and retention apart from {@link #maintenance}, so that a merge (seconds of zstd 9
   * and filter building) never holds up the flush that would make room in a full head; null with
   * manual maintenance.
   */
  private final java.util.concurrent.ExecutorService merges;
  /**
   * Writes the tenants' parts of a flush side by side (one part per tenant and thread): a flush
   * is CPU-bound (filter terms, templated columns, zstd), and while one thread writes it, a head
   * under ingest fills towards its bound and pushes wait for a 429's Retry-After. Null below 4
   * processors: the flushing thread writes them in turn.
   */
  private final java.util.concurrent.ExecutorService flushWriters;
  private final AtomicBoolean mergesRequested = new AtomicBoolean();
  /** Decodes and filters query blocks ahead of the consumers; null reads on the query's thread. */
  private final BlockScanPool scanPool;
  /** Commits, catalogue and block cache of a remote object store; null for a local one. */
  private final RemoteParts remoteParts;
  private final RemoteStorageOptions remoteOptions;
  private final boolean readOnly;
  /** Which parts exist; {@link PartCatalogue#OBJECT_STORE} unless the store is part of a cluster. */
  private final PartCatalogue catalogue;
  /** Whether {@link #catalogue} is a real catalogue (not the object store's listing). */
  private final boolean catalogued;
  private final boolean writerOnly;
  /** The catalogue revision whose parts {@link #state} serves; Long.MIN_VALUE before the first load. */
  private volatile long loadedRevision = Long.MIN_VALUE;
  private volatile long lastOrphanSweepMillis;
  private volatile long lastCatalogueRefreshMillis;
  private volatile State state;
  private volatile boolean closed;

  private DiskLogStore(DiskLogStoreConfig config, int scanThreads, boolean ownsGivenObjectStore) throws IOException {
    this(config, scanThreads, defaultFlushWriters(), ownsGivenObjectStore);
  }

  /** Background threads of this name that do not keep the JVM alive (close() stops them in order). */
  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static int defaultFlushWriters() {
    return Math.min(FLUSH_WRITER_THREADS, Runtime.getRuntime().availableProcessors() / 2);
  }

  /**
   * Opens the store with {@code flushWriters} threads writing a flush's tenant parts side by side
   * (below 2: in turn on the flushing thread), whatever the processors: for the tests of the
   * parallel flush on machines with fewer than 4.
   */
  static DiskLogStore openWithFlushWriters(DiskLogStoreConfig config, int flushWriters) throws IOException {
    return new DiskLogStore(config, Runtime.getRuntime().availableProcessors(), flushWriters, false);
  }

  private DiskLogStore(DiskLogStoreConfig config, int scanThreads, int flushThreads, boolean ownsGivenObjectStore) throws IOException {
    this.config = config;
    this.dataDirectory = config.dataDirectory();
    this.temporaryDirectory = dataDirectory.resolve("tmp");
    Files.createDirectories(temporaryDirectory);
    clearTemporaryFiles();
    this.ownsObjectStore = config.objectStore() == null || ownsGivenObjectStore;
    this.objectStore = config.objectStore() == null ? new LocalObjectStore(dataDirectory.resolve("objects")) : config.objectStore();
    this.remoteOptions = config.remoteOrDefaults();
    this.readOnly = remoteOptions.readOnly();
    this.catalogue = config.partCatalogue();
    this.catalogued = catalogue != PartCatalogue.OBJECT_STORE;
    this.writerOnly = config.writerOnly();
    if (writerOnly && !catalogued) {
      throw new IllegalArgumentException("a writer-only store needs a part catalogue: without one nobody could find the parts it flushes");
    }
    if (writerOnly && readOnly) {
      throw new IllegalArgumentException("a store cannot be both writer-only and read-only");
    }
    this.remoteParts =
        objectStore.isRemote()
            ? new RemoteParts(objectStore, remoteOptions.cacheDirectory() != null ? remoteOptions.cacheDirectory() : dataDirectory.resolve("cache"),
                remoteOptions.cacheBytes(), readOnly)
            : null;
    Map<String, List<PartHandle>> parts;
    try {
      parts = catalogued ? (writerOnly ? Map.of() : loadCataloguedParts()) : loadParts();
    } catch (IOException | RuntimeException e) {
      if (remoteParts != null) {
        remoteParts.close();
      }
      throw e;
    }
    lastOrphanSweepMillis = config.clock().millis();
    lastCatalogueRefreshMillis = config.clock().millis();
    long checkpoint = readCheckpoint();
    Head recovered = new Head(checkpoint);
    long[] replayed = new long[1];
    long now = config.clock().millis();
    this.wal =
        WriteAheadLog.open(
            dataDirectory.resolve("wal"),
            checkpoint,
            (segment, record) -> {
              for (StreamBatch batch : record.streams()) {
                recovered.append(record.tenant(), batch, now);
              }
              replayed[0]++;
            });
    log.info("opened store in {}: {} parts, replayed {} WAL records from segment {}", dataDirectory, parts.values().stream().mapToInt(List::size).sum(), replayed[0], checkpoint);
    this.state = new State(recovered, List.of(), parts);
    this.scanPool = scanThreads > 0 ? new BlockScanPool(scanThreads, SCAN_BLOCKS_AHEAD) : null;
    this.flushWriters =
        flushThreads < 2
            ? null
            : Executors.newFixedThreadPool(flushThreads, daemonThreads("tonari-store-flush-writer"));
    if (config.maintenanceInterval().isZero()) {
      this.maintenance = null;
      this.merges = null;
    } else {
      this.merges = Executors.newSingleThreadExecutor(daemonThreads("tonari-store-merges"));
      this.maintenance = Executors.newSingleThreadScheduledExecutor(daemonThreads("tonari-store-maintenance"));
      long millis = Math.max(1, config.maintenanceInterval().toMillis());
      maintenance.scheduleWithFixedDelay(this::maintainQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens (recovering if needed) the store in {@code config.dataDirectory()}, with one query scan
   * thread per available processor.
   */
  public static DiskLogStore open(DiskLogStoreConfig config) throws IOException {
    return open(config, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Opens the store with {@code scanThreads} threads that decode and filter query blocks ahead of
   * the consumer; 0 reads every block on the query's own thread (the sequential path, which tests
   * compare the parallel one against).
   */
  public static DiskLogStore open(DiskLogStoreConfig config, int scanThreads) throws IOException {
    if (scanThreads < 0) {
      throw new IllegalArgumentException("scan threads must be zero or positive, got " + scanThreads);
    }
    return new DiskLogStore(config, scanThreads, false);
  }

  /**
   * Opens the store as {@link #open(DiskLogStoreConfig)}, taking ownership of {@code
   * config.objectStore()}: it is closed with the store, or at once when opening fails.
   */
  public static DiskLogStore openOwningObjectStore(DiskLogStoreConfig config) throws IOException {
    try {
      return new DiskLogStore(config, Runtime.getRuntime().availableProcessors(), true);
    } catch (IOException | RuntimeException e) {
      if (config.objectStore() != null) {
        try {
          config.objectStore().close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  public StoreMetrics metrics() {
    return metrics;
  }

  WriteAheadLog wal() {
    return wal;
  }

  ObjectStore objectStore() {
    return objectStore;
  }

  // ---------------------------------------------------------------------------------- append

  @Override
  public void append(String tenant, List<StreamBatch> streams) throws IOException {
    validateTenant(tenant);
    List<StreamBatch> nonEmpty = new ArrayList<>(streams.size());
    for (StreamBatch batch : streams) {
      if (!batch.entries().isEmpty()) {
        nonEmpty.add(batch);
      }
    }
    if (nonEmpty.isEmpty()) {
      return;
    }
    // Each line is encoded to UTF-8 once; the WAL record and the head both take these bytes.
    byte[][][] utf8Lines = WalRecordCodec.utf8Lines(nonEmpty);
    HeadBounds bounds = config.headBounds();
    long incoming = bounds.bounded() ? headBytesOf(utf8Lines) : 0;
    checkHeadBounds(tenant, incoming);
    WalRecordCodec.Encoded record = WalRecordCodec.encode(tenant, nonEmpty, utf8Lines, recordBuffers);
    CompletableFuture<Long> durable;
    Head head;
    appendLock.readLock().lock();
    try {
      if (closed) {
        throw new IOException("store in " + dataDirectory + " is closed; append for tenant " + tenant + " refused");
      }
      if (readOnly) {
        throw new IOException("store on " + objectStore + " is read-only (storage.s3.read_only); append for tenant " + tenant + " refused");
      }
      durable = wal.submit(record.bytes(), record.length());
      head = state.live();
      long now = config.clock().millis();
      for (int s = 0; s < utf8Lines.length; s++) {
        head.append(tenant, nonEmpty.get(s), utf8Lines[s], now);
      }
    } finally {
      appendLock.readLock().unlock();
    }
    WriteAheadLog.await(durable);
    // Durable, so the writer has copied it out. After a failed write the array is not given back:
    // nothing more is written, and a record array is cheap to lose.
    recordBuffers.give(record.bytes());
    if (remoteOptions.ackAfterUpload()) {
      awaitUploaded(head);
      return;
    }
    if (head.bytes() >= flushThreshold()) {
      requestFlush();
    }
  }

  /** Runs maintenance (which flushes when due) on the background thread, once at a time. */
  private void requestFlush() {
    if (maintenance != null && flushRequested.compareAndSet(false, true)) {
      try {
        maintenance.execute(
            () -> {
              flushRequested.set(false);
              maintainQuietly();
            });
      } catch (RejectedExecutionException e) {
        // Closing: close() flushes the head itself.
        flushRequested.set(false);
      }
    }
  }

  /**
   * The live head's size that makes a flush due: the configured size, or half the bound of all
   * tenants when that is smaller, so that the live head is flushed before the bound refuses
   * pushes and a frozen head being written leaves room for the next one. A tenant's own bound
   * does not flush early: a tenant that reaches it requests a flush and waits for it.
   */
  private long flushThreshold() {
    long threshold = config.flushHeadBytes();
    long bound = config.headBounds().maxBytes();
    return bound == 0 ? threshold : Math.min(threshold, Math.max(1, bound / 2));
  }

  /**
   * Refuses an append that would take the heads past a bound, before anything of it is written;
   * a flush is requested so that a retry finds room.
   */
  private void checkHeadBounds(String tenant, long incoming) throws HeadFullException {
    HeadBounds bounds = config.headBounds();
    if (!bounds.bounded()) {
      return;
    }
    HeadFullException refusal = headBoundRefusal(bounds, tenant, incoming);
    if (refusal == null) {
      return;
    }
    flushForHeadBound.set(true);
    requestFlush();
    // A flush under way frees a frozen head within a second or so: a few pushes wait for it here
    // rather than costing their agents a whole Retry-After, which at full rate idles a pusher for a
    // second per refusal. The others are refused at once, so waiting pushes hold bounded memory.
    if (maintenance != null && bounds.waitForRoom().isPositive() && headWaiters.tryAcquire()) {
      try {
        long deadline = System.nanoTime() + bounds.waitForRoom().toNanos();
        synchronized (headRoom) {
          // Checked again under the monitor the flush signals on, so a flush that ended since the
          // first check is not waited for in vain.
          refusal = headBoundRefusal(bounds, tenant, incoming);
          while (refusal != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              break;
            }
            try {
              TimeUnit.NANOSECONDS.timedWait(headRoom, left);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
            refusal = headBoundRefusal(bounds, tenant, incoming);
          }
        }
      } finally {
        headWaiters.release();
      }
      if (refusal == null) {
        metrics.headFullWaits.increment();
        return;
      }
    }
    metrics.headFullRefusals.increment();
    throw refusal;
  }

  /** Appends waiting for room in the heads now (for tests). */
  int appendsWaitingForRoom() {
    return HEAD_FULL_WAITERS - headWaiters.availablePermits();
  }

  /** Wakes the appends waiting in {@link #checkHeadBounds} once a flush has dropped a frozen head. */
  private void signalHeadRoom() {
    synchronized (headRoom) {
      headRoom.notifyAll();
    }
  }

  private HeadFullException headBoundRefusal(HeadBounds bounds, String tenant, long incoming) {
    State current = state;
    long total = 0;
    long ofTenant = 0;
    for (Head head : current.heads()) {
      total += head.bytes();
      ofTenant += head.bytes(tenant);
    }
    HeadFullException refusal = null;
    if (bounds.maxBytesPerTenant() > 0 && ofTenant + incoming > bounds.maxBytesPerTenant() && ofTenant > 0) {
      refusal = new HeadFullException(tenant, HeadFullException.Scope.TENANT, ofTenant, incoming, bounds.maxBytesPerTenant(), HEAD_FULL_RETRY_SECONDS);
    } else if (bounds.maxBytes() > 0 && total + incoming > bounds.maxBytes() && total > 0) {
      refusal = new HeadFullException(tenant, HeadFullException.Scope.TOTAL, total, incoming, bounds.maxBytes(), HEAD_FULL_RETRY_SECONDS);
    }
    return refusal;
  }

  /** About what the heads will count for these lines: their bytes and a fixed cost per entry and stream. */
  private static long headBytesOf(byte[][][] utf8Lines) {
    long bytes = 0;
    for (byte[][] stream : utf8Lines) {
      // Per entry the head's timestamp, page, start and length columns (20 bytes) and a little growth.
      bytes += 64 + stream.length * 24L;
      for (byte[] line : stream) {
        bytes += line.length;
      }
    }
    return bytes;
  }

  /**
   * Flushes until the head that took an append is in committed parts: what {@code
   * ack_after_upload} waits for. Concurrent appenders share flushes (the first one's flush
   * writes everybody's entries; the others find their head gone when they get the lock).
   */
  private void awaitUploaded(Head head) throws IOException {
    while (holds(state, head)) {
      flush();
    }
  }

  private static boolean holds(State current, Head head) {
    if (current.live() == head) {
      return true;
    }
    for (FrozenHead frozen : current.frozen()) {
      if (frozen.head == head) {
        return true;
      }
    }
    return false;
  }

  private static void validateTenant(String tenant) {
    if (tenant == null || tenant.isEmpty() || tenant.length() > 150) {
      throw new IllegalArgumentException("tenant id must have 1 to 150 characters, got " + (tenant == null ? "none" : tenant.length()));
    }
    if (tenant.equals(".") || tenant.equals("..") || tenant.startsWith(".tonari-tmp-")) {
      throw new IllegalArgumentException("tenant id " + tenant + " is reserved");
    }
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20) {
        throw new IllegalArgumentException("tenant id " + tenant + " contains a forbidden character at " + i);
      }
    }
  }

  // ----------------------------------------------------------------------------------- flush

  /**
   * Writes the live head (and any frozen head left by a failed flush) to parts, advances the
   * checkpoint and deletes the WAL segments it covered.
   */
  public void flush() throws IOException {
    flushLock.lock();
    try {
      appendLock.writeLock().lock();
      try {
        State current = state;
        if (!current.live().isEmpty()) {
          long segment = wal.rotate();
          List<FrozenHead> frozen = new ArrayList<>(current.frozen());
          frozen.add(new FrozenHead(current.live()));
          synchronized (stateLock) {
            state = new State(new Head(segment), List.copyOf(frozen), state.parts());
          }
        } else if (current.frozen().isEmpty()) {
          return;
        }
      } finally {
        appendLock.writeLock().unlock();
      }
      persistFrozenHeads();
    } finally {
      flushLock.unlock();
    }
  }

  private void persistFrozenHeads() throws IOException {
    if (catalogued) {
      persistFrozenHeadsToCatalogue();
      return;
    }
    for (FrozenHead frozen : state.frozen()) {
      List<String> tenants = new ArrayList<>(frozen.head.tenants());
      tenants.removeAll(frozen.persistedTenants);
      tenants.sort(null);
      // Each part is served as soon as it is written, and its tenant's streams then leave the
      // frozen head, so that appends waiting for room resume tenant by tenant. A tenant whose part
      // failed stays in the frozen head (served from there) and is written again by the next flush.
      writeHeadParts(frozen.head, tenants, (tenant, part) -> {
        if (part != null) {
          synchronized (stateLock) {
            state = new State(state.live(), state.frozen(), withPart(state.parts(), part));
          }
          metrics.flushBytesWritten.add(part.summary().fileBytes());
        }
        frozen.persistedTenants.add(tenant);
        frozen.head.release(tenant);
        signalHeadRoom();
      });
      synchronized (stateLock) {
        List<FrozenHead> remaining = new ArrayList<>(state.frozen());
        remaining.remove(frozen);
        state = new State(state.live(), List.copyOf(remaining), state.parts());
      }
      signalHeadRoom();
      metrics.flushes.increment();
    }
    advanceCheckpoint();
  }

  /**
   * A flush with a catalogue: every tenant's part of every frozen head (more than one after a
   * failed flush) is written, then all are registered in one call, and only then do the heads stop
   * being served. Any failure leaves the heads frozen and served; the next flush writes them again
   * under new sequences, and what this one published stays unregistered (an orphan no reader sees).
   */
  private void persistFrozenHeadsToCatalogue() throws IOException {
    List<FrozenHead> frozenHeads = state.frozen();
    List<PartHandle> written = new ArrayList<>();
    for (FrozenHead frozen : frozenHeads) {
      List<String> tenants = new ArrayList<>(frozen.head.tenants());
      tenants.sort(null);
      writeHeadParts(frozen.head, tenants, (tenant, part) -> {
        if (part != null) {
          synchronized (written) {
            written.add(part);
          }
        }
      });
    }
    if (!written.isEmpty()) {
      register(written, List.of(), "the parts of a flush");
    }
    synchronized (stateLock) {
      Map<String, List<PartHandle>> parts = state.parts();
      if (!writerOnly) {
        for (PartHandle part : written) {
          parts = withPart(parts, part);
        }
      }
      List<FrozenHead> remaining = new ArrayList<>(state.frozen());
      remaining.removeAll(frozenHeads);
      state = new State(state.live(), List.copyOf(remaining), parts);
    }
    signalHeadRoom();
    for (PartHandle part : written) {
      metrics.flushBytesWritten.add(part.summary().fileBytes());
    }
    metrics.flushes.add(frozenHeads.size());
    advanceCheckpoint();
  }

  /** Writes the checkpoint naming the first WAL segment still needed and deletes the older ones. */
  private void advanceCheckpoint() throws IOException {
    State current = state;
    long firstNeeded = current.frozen().isEmpty() ? current.live().firstSegmentId() : current.frozen().get(0).head.firstSegmentId();
    writeCheckpoint(firstNeeded);
    wal.deleteSegmentsBelow(firstNeeded);
  }

  /** What a flush does with a tenant's part once written (null: nothing of the tenant to write); called on a writer thread. */
  @FunctionalInterface
  private interface WrittenPart {
    void accept(String tenant, PartHandle part);
  }

  /**
   * Writes each tenant's part of a head, side by side on {@link #flushWriters} when there are
   * several, and hands each to {@code written} as it completes. Waits for all of them; throws the
   * first failure (with the others suppressed) after every writer has stopped, so that no part is
   * still being written when the flush gives up.
   */
  private void writeHeadParts(Head head, List<String> tenants, WrittenPart written) throws IOException {
    if (flushWriters == null || tenants.size() < 2) {
      for (String tenant : tenants) {
        written.accept(tenant, writeHeadPart(tenant, head));
      }
      return;
    }
    List<java.util.concurrent.Future<?>> writes = new ArrayList<>(tenants.size());
    try {
      for (String tenant : tenants) {
        writes.add(flushWriters.submit(() -> {
          written.accept(tenant, writeHeadPart(tenant, head));
          return null;
        }));
      }
    } catch (RejectedExecutionException e) {
      // Closing with a flush under way: what was not submitted is written on this thread.
      for (String tenant : tenants.subList(writes.size(), tenants.size())) {
        written.accept(tenant, writeHeadPart(tenant, head));
      }
    }
    IOException failure = null;
    boolean interrupted = false;
    for (java.util.concurrent.Future<?> write : writes) {
      while (true) {
        try {
          write.get();
          break;
        } catch (InterruptedException e) {
          // A flush is not abandoned half-way: the writers hold open part files.
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          IOException cause = e.getCause() instanceof IOException io ? io : new IOException("flush of " + dataDirectory + " failed: " + e.getCause(), e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private PartHandle writeHeadPart(String tenant, Head head) throws IOException {
    List<HeadStreamSnapshot> snapshots = new ArrayList<>();
    for (HeadStream stream : head.streams(tenant)) {
      HeadStreamSnapshot snapshot = stream.snapshot();
      if (snapshot.size() > 0) {
        snapshots.add(snapshot);
      }
    }
    if (snapshots.isEmpty()) {
      return null;
    }
    snapshots.sort(Comparator.comparing(HeadStreamSnapshot::labels));
    // Entries already past their stream's retention are not written: a part made of them would
    // only be deleted or rewritten by the next retention pass.
    RetentionPolicy retention = config.retentionPolicyFor(tenant);
    long nowNanos = nowNanos();
    long[] cutoffs = new long[snapshots.size()];
    boolean anyKept = false;
    for (int s = 0; s < snapshots.size(); s++) {
      HeadStreamSnapshot snapshot = snapshots.get(s);
      cutoffs[s] = retention.keepsEverything() ? Long.MIN_VALUE : retention.cutoffNanos(snapshot.labels(), nowNanos);
      for (int p = 0; p < snapshot.size() && !anyKept; p++) {
        anyKept = snapshot.timestamp(p) >= cutoffs[s];
      }
    }
    if (!anyKept) {
      log.info("flush dropped the head entries of tenant {}: all are past retention", tenant);
      return null;
    }
    long sequence = takeSequence();
    String key = PartHandle.key(tenant, 0, sequence);
    return writePart(
        key,
        PartWriterOptions.defaults(tenant),
        writer -> {
          for (int s = 0; s < snapshots.size(); s++) {
            HeadStreamSnapshot snapshot = snapshots.get(s);
            long cutoff = cutoffs[s];
            boolean begun = false;
            for (int p = 0; p < snapshot.size(); p++) {
              if (snapshot.timestamp(p) < cutoff) {
                continue;
              }
              if (!begun) {
                writer.beginStream(snapshot.labels());
                begun = true;
              }
              writer.add(snapshot.timestamp(p), snapshot.lineBuffer(p), snapshot.lineOffset(p), snapshot.lineLength(p), snapshot.metadata(p));
            }
            if (begun) {
              writer.endStream();
            }
          }
        });
  }

  /** The sequence of a new part: the catalogue's when there is one (unique across writers), else this store's. */
  private long takeSequence() throws IOException {
    if (!catalogued) {
      return nextSequence.getAndIncrement();
    }
    long sequence = catalogue.nextSequence();
    if (sequence <= 0) {
      throw new IOException("part catalogue " + catalogue + " handed out sequence " + sequence + "; sequences must be positive");
    }
    return sequence;
  }

  /** What a catalogue records of a part. */
  private static PartCatalogue.PublishedPart published(PartHandle part) {
    PartSummary summary = part.summary();
    return new PartCatalogue.PublishedPart(part.key(), part.tenant(), summary.minTimestamp(), summary.maxTimestamp(), summary.entries(), summary.fileBytes());
  }

  /** Records a change in the catalogue (nothing to record with the object store's listing); throws when it was not made. */
  private void register(List<PartHandle> added, List<String> removed, String what) throws IOException {
    if (!catalogued) {
      return;
    }
    List<PartCatalogue.PublishedPart> addedParts = added.stream().map(DiskLogStore::published).toList();
    try {
      catalogue.register(addedParts, List.copyOf(removed));
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "registering " + what + " in part catalogue " + catalogue + " failed (added " + added.stream().map(PartHandle::key).toList() + ", removed " + removed
              + "); the published objects are orphans until swept: " + e.getMessage(),
          e);
    }
  }

  /** Whether the store deletes the objects of parts it merged away or expired (not when the catalogue's owner does). */
  private boolean deletesReplacedObjects() {
    return !catalogue.deletesObjectsLater();
  }

  private long nowNanos() {
    Instant now = config.clock().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @FunctionalInterface
  private interface PartContent {
    void writeTo(PartWriter writer) throws IOException;
  }

  /** Writes a part to a temporary file, publishes it under the key and opens it. */
  private PartHandle writePart(String key, PartWriterOptions options, PartContent content) throws IOException {
    Path temporary = Files.createTempFile(temporaryDirectory, "part-", ".tmp");
    try {
      try (PartWriter writer = new PartWriter(temporary, options)) {
        content.writeTo(writer);
        writer.finish();
      }
      if (remoteParts == null) {
        objectStore.put(key, temporary);
      } else {
        PartReader uploaded = remoteParts.publish(key, temporary);
        Object[] parsed = PartHandle.parse(key);
        return new PartHandle(key, options.tenant(), (Integer) parsed[1], (Long) parsed[2], uploaded, uploaded.summary(), uploaded.streams());
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("writing part " + key + " for tenant " + options.tenant() + " failed: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(temporary);
    }
    Object[] parsed = PartHandle.parse(key);
    PartReader reader = PartReader.open(key, new LocalPartBytes(objectStore, key));
    return new PartHandle(key, options.tenant(), (Integer) parsed[1], (Long) parsed[2], reader, reader.summary(), reader.streams());
  }

  private static Map<String, List<PartHandle>> withPart(Map<String, List<PartHandle>> parts, PartHandle part) {
    Map<String, List<PartHandle>> copy = new HashMap<>(parts);
    List<PartHandle> ofTenant = new ArrayList<>(copy.getOrDefault(part.tenant(), List.of()));
    for (PartHandle present : ofTenant) {
      if (present.key().equals(part.key())) {
        // Opened by a catalogue refresh between this store's registering it and adding it here.
        return parts;
      }
    }
    ofTenant.add(part);
    copy.put(part.tenant(), List.copyOf(ofTenant));
    return Map.copyOf(copy);
  }

  private static Map<String, List<PartHandle>> withoutParts(Map<String, List<PartHandle>> parts, String tenant, Set<String> keys) {
    Map<String, List<PartHandle>> copy = new HashMap<>(parts);
    List<PartHandle> ofTenant = new ArrayList<>(copy.getOrDefault(tenant, List.of()));
    ofTenant.removeIf(p -> keys.contains(p.key()));
    if (ofTenant.isEmpty()) {
      copy.remove(tenant);
    } else {
      copy.put(tenant, List.copyOf(ofTenant));
    }
    return Map.copyOf(copy);
  }

  /** Deletes a part's objects: for a remote store its commit first, so it is never visible half-deleted. */
  private void deletePart(String key) throws IOException {
    if (remoteParts == null) {
      objectStore.delete(key);
    } else {
      remoteParts.delete(key);
    }
  }

  private void retire(PartHandle part) {
    metrics.retiredBlocksRead.add(part.reader().blocksRead());
    metrics.retiredBlocksSkippedByBloom.add(part.reader().blocksSkippedByBloom());
    metrics.retiredBlocksSkippedByTime.add(part.reader().blocksSkippedByTime());
  }

  // ------------------------------------------------------------------------------ checkpoint

  private long readCheckpoint() throws IOException {
    Path file = dataDirectory.resolve(CHECKPOINT_FILE);
    if (!Files.exists(file)) {
      return 1;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.size() >= 2 && lines.get(0).equals(CHECKPOINT_HEADER) && lines.get(1).startsWith("first-segment ")) {
      try {
        return Long.parseLong(lines.get(1).substring("first-segment ".length()).trim());
      } catch (NumberFormatException e) {
        log.error("checkpoint file {} has an unreadable segment number; replaying the whole WAL", file, e);
        return 1;
      }
    }
    // Replaying from the first segment is always safe: reads and merges drop duplicates.
    log.error("checkpoint file {} is malformed; replaying the whole WAL", file);
    return 1;
  }

  private void writeCheckpoint(long firstSegment) throws IOException {
    Path file = dataDirectory.resolve(CHECKPOINT_FILE);
    Path temporary = dataDirectory.resolve(CHECKPOINT_FILE + ".tmp");
    byte[] content = (CHECKPOINT_HEADER + "\nfirst-segment " + firstSegment + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    WriteAheadLog.syncDirectory(dataDirectory);
  }

  // -------------------------------------------------------------------------------- recovery

  private void clearTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(temporaryDirectory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
  }

  private Map<String, List<PartHandle>> loadParts() throws IOException {
    Map<String, PartHandle> opened = new LinkedHashMap<>();
    Map<String, CorruptPartException> corrupt = new LinkedHashMap<>();
    long maxSequence = 0;
    if (remoteParts != null) {
      RemoteParts.Catalogue catalogue = remoteParts.load(Set.of(), true);
      opened.putAll(catalogue.opened());
      corrupt.putAll(catalogue.corrupt());
      maxSequence = catalogue.maxSequence();
    }
    for (ObjectInfo info : remoteParts != null ? List.<ObjectInfo>of() : objectStore.list("")) {
      Object[] parsed = PartHandle.parse(info.key());
      if (parsed == null) {
        continue;
      }
      maxSequence = Math.max(maxSequence, (Long) parsed[2]);
      try {
        PartReader reader = PartReader.open(info.key(), new LocalPartBytes(objectStore, info.key()));
        opened.put(info.key(), new PartHandle(info.key(), (String) parsed[0], (Integer) parsed[1], (Long) parsed[2], reader, reader.summary(), reader.streams()));
      } catch (CorruptPartException e) {
        corrupt.put(info.key(), e);
      }
    }
    nextSequence.set(maxSequence + 1);
    Set<String> replaced = new HashSet<>();
    for (PartHandle part : opened.values()) {
      replaced.addAll(part.summary().replaces());
    }
    for (String key : replaced) {
      if (opened.remove(key) != null || corrupt.remove(key) != null) {
        // A merge published its output but crashed before deleting its inputs.
        if (readOnly) {
          continue;
        }
        log.info("deleting part {}, replaced by a merged part", key);
        deletePart(key);
      }
    }
    for (Map.Entry<String, CorruptPartException> e : corrupt.entrySet()) {
      if (readOnly) {
        metrics.corruptParts.increment();
        log.error("part {} failed its checks; not served (read-only: the writer sets it aside)", e.getKey(), e.getValue());
        continue;
      }
      moveToQuarantine(e.getKey(), (String) PartHandle.parse(e.getKey())[0], e.getValue());
    }
    Map<String, List<PartHandle>> byTenant = new HashMap<>();
    for (PartHandle part : opened.values()) {
      byTenant.computeIfAbsent(part.tenant(), t -> new ArrayList<>()).add(part);
    }
    Map<String, List<PartHandle>> result = new HashMap<>();
    byTenant.forEach((tenant, list) -> result.put(tenant, List.copyOf(list)));
    return Map.copyOf(result);
  }

  /** The parts of the catalogue at open, and the revision they are of. */
  private Map<String, List<PartHandle>> loadCataloguedParts() throws IOException {
    long revision = catalogue.revision();
    ParallelPartOpener.Result result = openCatalogued(catalogue.partKeys());
    loadedRevision = revision;
    Map<String, List<PartHandle>> parts = Map.of();
    for (PartHandle part : result.opened().values()) {
      parts = withPart(parts, part);
    }
    return parts;
  }

  /** Opens catalogued parts, logging and counting the ones that are missing or corrupt (never fatal). */
  private ParallelPartOpener.Result openCatalogued(Set<String> keys) throws IOException {
    ParallelPartOpener.Result result =
        ParallelPartOpener.open(
            keys,
            key -> {
              if (remoteParts != null) {
                return remoteParts.openByCommit(key);
              }
              Object[] parsed = PartHandle.parse(key);
              PartReader reader = PartReader.open(key, new LocalPartBytes(objectStore, key));
              return new PartHandle(key, (String) parsed[0], (Integer) parsed[1], (Long) parsed[2], reader, reader.summary(), reader.streams());
            });
    for (Map.Entry<String, java.nio.file.NoSuchFileException> missing : result.missing().entrySet()) {
      metrics.cataloguedPartsMissing.increment();
      log.error(
          "part catalogue {} names part {}, which is not in object store {} ({}); not served",
          catalogue, missing.getKey(), objectStore, missing.getValue().getMessage());
    }
    for (Map.Entry<String, CorruptPartException> corrupt : result.corrupt().entrySet()) {
      metrics.corruptParts.increment();
      log.error("catalogued part {} failed its checks; not served here", corrupt.getKey(), corrupt.getValue());
    }
    return result;
  }

  /**
   * Serves exactly the catalogue's parts: opens the new ones and drops the removed ones. Cheap
   * when the revision has not moved (one {@link PartCatalogue#revision()} call, no lock).
   */
  private int refreshFromCatalogue() throws IOException {
    if (catalogue.revision() == loadedRevision) {
      lastCatalogueRefreshMillis = config.clock().millis();
      return 0;
    }
    // Merges and retention (the only removals) hold this lock: a refresh never re-adds a part
    // they took away. Flushes only add, and adding is idempotent (withPart).
    maintenanceLock.lock();
    try {
      long revision = catalogue.revision();
      if (revision == loadedRevision) {
        return 0;
      }
      Set<String> served = new HashSet<>();
      state.parts().values().forEach(list -> list.forEach(p -> served.add(p.key())));
      Set<String> keys = catalogue.partKeys();
      Set<String> toOpen = new TreeSet<>(keys);
      toOpen.removeAll(served);
      ParallelPartOpener.Result result = openCatalogued(toOpen);
      int changes = 0;
      synchronized (stateLock) {
        Map<String, List<PartHandle>> parts = state.parts();
        for (Map.Entry<String, List<PartHandle>> tenant : parts.entrySet()) {
          Set<String> gone = new HashSet<>();
          for (PartHandle part : tenant.getValue()) {
            // Only parts served before the catalogue was read: one a flush added since is in it.
            if (served.contains(part.key()) && !keys.contains(part.key())) {
              gone.add(part.key());
            }
          }
          if (!gone.isEmpty()) {
            parts = withoutParts(parts, tenant.getKey(), gone);
            changes += gone.size();
          }
        }
        for (PartHandle part : result.opened().values()) {
          parts = withPart(parts, part);
          changes++;
        }
        state = new State(state.live(), state.frozen(), parts);
      }
      loadedRevision = revision;
      lastCatalogueRefreshMillis = config.clock().millis();
      if (changes > 0) {
        log.debug("store refreshed to catalogue revision {}: {} parts added or dropped", revision, changes);
      }
      return changes;
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * Refreshes from the catalogue only when the revision this store serves is below {@code
   * minimumRevision} (what an ingester reported its flush reached), and returns the revision
   * served after it, which may be higher than asked, or lower when the catalogue itself has not
   * reached it yet. With {@link PartCatalogue#OBJECT_STORE} there are no revisions: it runs
   * {@link #refreshCatalogue()} and returns 0.
   */
  public long refreshCatalogueTo(long minimumRevision) throws IOException {
    if (!catalogued) {
      refreshCatalogue();
      return 0;
    }
    if (!writerOnly && loadedRevision < minimumRevision) {
      refreshFromCatalogue();
    }
    return loadedRevision;
  }

  /** The catalogue revision whose parts this store serves (Long.MIN_VALUE when it never loaded any). */
  public long catalogueRevision() {
    return loadedRevision;
  }

  /**
   * Deletes the objects (the part and, on a remote store, its commit first) of parts that are no
   * longer in the catalogue: what the catalogue's owner calls once no querier can still be
   * reading them, and for orphans of failed registrations. Objects already gone are skipped.
   *
   * @throws IllegalArgumentException when a key is not a part key
   * @throws IllegalStateException when this store still serves one of the parts
   * @throws IOException when the store is read-only, or a delete fails (naming the part)
   */
  public void purgeParts(java.util.Collection<String> partKeys) throws IOException {
    if (readOnly) {
      throw new IOException("store on " + objectStore + " is read-only; purging parts " + partKeys + " refused");
    }
    State current = state;
    for (String key : partKeys) {
      Object[] parsed = PartHandle.parse(key);
      if (parsed == null) {
        throw new IllegalArgumentException("cannot purge " + key + ": not a part key (<tenant>/parts/<level>-<sequence>.part)");
      }
      for (PartHandle part : current.parts((String) parsed[0])) {
        if (part.key().equals(key)) {
          throw new IllegalStateException("cannot purge part " + key + ": this store still serves it (refresh from the catalogue first)");
        }
      }
    }
    for (String key : partKeys) {
      try {
        deletePart(key);
      } catch (IOException e) {
        throw new IOException("purging part " + key + " from " + objectStore + " failed: " + e.getMessage(), e);
      }
      log.debug("purged part {}", key);
    }
  }

  // ------------------------------------------------------------------------------ quarantine

  /** Takes a part out of service and moves it to {@code quarantine/<key>}; never throws. */
  private void quarantine(PartHandle part, CorruptPartException cause) {
    if (!quarantined.add(part.key())) {
      return;
    }
    synchronized (stateLock) {
      state = new State(state.live(), state.frozen(), withoutParts(state.parts(), part.tenant(), Set.of(part.key())));
    }
    retire(part);
    moveToQuarantine(part.key(), part.tenant(), cause);
  }

  private void moveToQuarantine(String key, String tenant, CorruptPartException cause) {
    metrics.corruptParts.increment();
    if (readOnly) {
      log.error("part {} of tenant {} failed its checksum; not served here (read-only: the writer sets it aside)", key, tenant, cause);
      return;
    }
    if (catalogued) {
      // Other processes may be reading it through the catalogue: its owner decides what to do.
      log.error("part {} of tenant {} failed its checksum; not served here (the part catalogue's owner must take it out)", key, tenant, cause);
      return;
    }
    log.error("part {} of tenant {} failed its checksum; moving it to {}{} and serving the other parts", key, tenant, QUARANTINE_PREFIX, key, cause);
    try {
      ByteBuffer data = objectStore.get(key);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      objectStore.put(QUARANTINE_PREFIX + key, bytes);
      deletePart(key);
    } catch (java.nio.file.NoSuchFileException missing) {
      // A commit whose part is gone: only the commit is left to take away.
      try {
        deletePart(key);
      } catch (IOException e) {
        log.error("could not delete the commit of missing part {} of tenant {}", key, tenant, e);
      }
    } catch (IOException e) {
      log.error("could not move corrupt part {} of tenant {} to quarantine; it stays out of service until restart", key, tenant, e);
    }
  }

  // ----------------------------------------------------------------------------------- reads

  @Override
  public List<EntryCursor> select(SelectRequest request) throws IOException {
    State current = state;
    long from = request.fromNanos();
    long to = request.toNanos();
    TreeMap<Labels, List<MergingCursor.Source>> sourcesByStream = new TreeMap<>();
    Map<Labels, Boolean> selected = new HashMap<>();
    Predicate<Labels> selector = labels -> selected.computeIfAbsent(labels, request.streamSelector()::test);
    // Once per query, not per stream cursor: hashing a literal's terms and winnowing its grams.
    NeedleProbes[] probes = NeedleProbes.of(request.requiredLiterals(), request.caseInsensitiveLiterals());
    List<Head> heads = current.heads();
    for (int h = 0; h < heads.size(); h++) {
      Head head = heads.get(h);
      long headRank = MergingCursor.Source.headRank(h);
      for (HeadStream stream : head.streams(request.tenant())) {
        if (stream.minTimestamp() >= to || stream.maxTimestamp() < from || !selector.test(stream.labels())) {
          continue;
        }
        HeadStreamSnapshot snapshot = stream.snapshot();
        if (snapshot.hasEntries(from, to)) {
          sourcesByStream
              .computeIfAbsent(stream.labels(), l -> new ArrayList<>())
              .add(new MergingCursor.Source(headCursor(stream, snapshot, request, probes, from, to), null, Long.MIN_VALUE, Long.MAX_VALUE, headRank));
        }
      }
    }
    // The parts of a state read after the heads: a flush publishes a tenant's part before its
    // streams leave the frozen head, so an entry the heads no longer showed is in these parts.
    for (PartHandle part : state.parts(request.tenant())) {
      if (!part.overlaps(from, to)) {
        continue;
      }
      List<PartStream> streams = part.streams();
      for (int i = 0; i < streams.size(); i++) {
        PartStream stream = streams.get(i);
        if (stream.overlaps(from, to) && selector.test(stream.labels()) && part.reader().mayHoldAll(i, from, to, probes)) {
          EntryCursor cursor =
              scanPool == null
                  ? part.reader().cursor(i, from, to, request.direction(), request.lineFilter(), probes, request.scanListener())
                  : part.reader().prefetchingCursor(i, from, to, request.direction(), request.lineFilter(), probes, scanPool, request.scanListener());
          sourcesByStream
              .computeIfAbsent(stream.labels(), l -> new ArrayList<>())
              .add(new MergingCursor.Source(cursor, part, stream.minTimestamp(), stream.maxTimestamp()));
        }
      }
    }
    List<EntryCursor> cursors = new ArrayList<>(sourcesByStream.size());
    // All merges are made (each starting its first source's read-ahead) before any is primed.
    List<MergingCursor> merges = new ArrayList<>(sourcesByStream.size());
    try {
      for (Map.Entry<Labels, List<MergingCursor.Source>> stream : sourcesByStream.entrySet()) {
        merges.add(new MergingCursor(stream.getKey(), stream.getValue(), request.direction(), this::quarantine));
      }
      for (int m = 0; m < merges.size(); m++) {
        MergingCursor cursor = merges.get(m);
        if (cursor.prime()) {
          cursors.add(cursor);
        } else {
          cursor.close();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Closing is idempotent: primed, unprimed and failed merges alike release their sources.
      for (EntryCursor cursor : merges) {
        try {
          cursor.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return cursors;
  }

  @Override
  public List<Labels> series(String tenant, Predicate<Labels> selector, long fromNanos, long toNanos) throws IOException {
    State current = state;
    TreeSet<Labels> found = new TreeSet<>();
    for (Head head : current.heads()) {
      for (HeadStream stream : head.streams(tenant)) {
        if (!found.contains(stream.labels())
            && stream.minTimestamp() < toNanos
            && stream.maxTimestamp() >= fromNanos
            && selector.test(stream.labels())
            && stream.snapshot().hasEntries(fromNanos, toNanos)) {
          found.add(stream.labels());
        }
      }
    }
    // Parts read after the heads, as in select.
    for (PartHandle part : state.parts(tenant)) {
      if (!part.overlaps(fromNanos, toNanos)) {
        continue;
      }
      List<PartStream> streams = part.streams();
      for (int i = 0; i < streams.size(); i++) {
        PartStream stream = streams.get(i);
        if (!found.contains(stream.labels()) && stream.overlaps(fromNanos, toNanos) && selector.test(stream.labels()) && hasEntries(part, i, fromNanos, toNanos)) {
          found.add(stream.labels());
        }
      }
    }
    return List.copyOf(found);
  }

  /**
   * Whether a part's stream has an entry in the range. The stream's min and max are entries, so
   * only a range strictly inside them needs a look at the blocks.
   */
  private boolean hasEntries(PartHandle part, int streamIndex, long fromNanos, long toNanos) throws IOException {
    PartStream stream = part.streams().get(streamIndex);
    if ((stream.minTimestamp() >= fromNanos && stream.minTimestamp() < toNanos) || (stream.maxTimestamp() >= fromNanos && stream.maxTimestamp() < toNanos)) {
      return true;
    }
    try (EntryCursor cursor = part.reader().cursor(streamIndex, fromNanos, toNanos, Direction.FORWARD, LinePredicate.ALL, List.of())) {
      return cursor.next();
    } catch (CorruptPartException e) {
      quarantine(part, e);
      return false;
    }
  }

  @Override
  public List<String> labelNames(String tenant, long fromNanos, long toNanos) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (Labels labels : series(tenant, l -> true, fromNanos, toNanos)) {
      names.addAll(labels.names());
    }
    return List.copyOf(names);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long fromNanos, long toNanos) throws IOException {
    TreeSet<String> values = new TreeSet<>();
    for (Labels labels : series(tenant, l -> l.get(name) != null, fromNanos, toNanos)) {
      values.add(labels.get(name));
    }
    return List.copyOf(values);
  }

  @Override
  public List<String> tenants() {
    TreeSet<String> tenants = new TreeSet<>();
    for (Head head : state.heads()) {
      for (String tenant : head.tenants()) {
        if (head.streams(tenant).iterator().hasNext()) {
          tenants.add(tenant);
        }
      }
    }
    // Parts read after the heads, as in select.
    tenants.addAll(state.parts().keySet());
    return List.copyOf(tenants);
  }

  // ----------------------------------------------------------------------------- maintenance

  /**
   * One round of background work: flush if due, merge what the policy asks, apply retention, and
   * with a remote store sweep orphans when due. A read-only store only re-reads the catalogue
   * when due.
   */
  public void maintain() throws IOException {
    maintainFlushes();
    mergeWhileDue();
    applyRetention();
  }

  /** What {@link #maintain} does but merges and retention: the catalogue, orphans, a due flush. Returns false for a read-only store. */
  private boolean maintainFlushes() throws IOException {
    if (readOnly || (catalogued && !writerOnly)) {
      if (config.clock().millis() - lastCatalogueRefreshMillis >= remoteOptions.catalogueRefresh().toMillis()) {
        refreshCatalogue();
      }
      if (readOnly) {
        return false;
      }
    }
    if (remoteParts != null && config.clock().millis() - lastOrphanSweepMillis >= remoteOptions.orphanSweepInterval().toMillis()) {
      sweepOrphans();
    }
    if (flushDue()) {
      flush();
    }
    return true;
  }

  /** The background round: flushes here, merges and retention handed to {@link #merges} (at most one round queued). */
  private void maintainInBackground() throws IOException {
    if (maintainFlushes() && mergesRequested.compareAndSet(false, true)) {
      try {
        merges.execute(
            () -> {
              mergesRequested.set(false);
              if (closed) {
                return;
              }
              try {
                mergeWhileDue();
                applyRetention();
              } catch (IOException | RuntimeException e) {
                // The next round retries; a failure here must not stop the merges.
                log.error("store merges or retention in {} failed", dataDirectory, e);
              }
            });
      } catch (RejectedExecutionException e) {
        // Closing: close() runs the merges that are due itself.
        mergesRequested.set(false);
      }
    }
  }

  /**
   * Deletes parts in the remote store that no commit names (an upload whose commit failed). Holds
   * the flush and maintenance locks, under which every part is published, so no upload in
   * progress can look like an orphan. Returns how many were deleted.
   */
  public long sweepOrphans() throws IOException {
    if (remoteParts == null || readOnly || catalogued) {
      return 0;
    }
    flushLock.lock();
    try {
      maintenanceLock.lock();
      try {
        long before = remoteParts.orphansDeleted.sum();
        State current = state;
        Set<String> known = new HashSet<>();
        current.parts().values().forEach(list -> list.forEach(p -> known.add(p.key())));
        RemoteParts.Catalogue catalogue = remoteParts.load(known, true);
        lastOrphanSweepMillis = config.clock().millis();
        // Parts committed meanwhile by nobody else cannot exist for a single writer; log any.
        for (String key : catalogue.opened().keySet()) {
          log.warn("found committed part {} that this writer did not publish: is another writer using the bucket?", key);
        }
        return remoteParts.orphansDeleted.sum() - before;
      } finally {
        maintenanceLock.unlock();
      }
    } finally {
      flushLock.unlock();
    }
  }

  /**
   * A read-only store's view of the writer's work: opens parts committed since the last look and
   * drops those whose commits are gone (merged away, deleted by retention). Returns how many
   * parts were added or dropped.
   */
  public int refreshCatalogue() throws IOException {
    if (catalogued) {
      return writerOnly ? 0 : refreshFromCatalogue();
    }
    if (remoteParts == null) {
      return 0;
    }
    maintenanceLock.lock();
    try {
      State current = state;
      Set<String> known = new HashSet<>();
      current.parts().values().forEach(list -> list.forEach(p -> known.add(p.key())));
      RemoteParts.Catalogue catalogue = remoteParts.load(known, false);
      Set<String> committed = remoteParts.committedKeys();
      Set<String> replaced = new HashSet<>();
      for (PartHandle part : catalogue.opened().values()) {
        replaced.addAll(part.summary().replaces());
      }
      int changes = 0;
      synchronized (stateLock) {
        Map<String, List<PartHandle>> parts = state.parts();
        for (Map.Entry<String, List<PartHandle>> tenant : current.parts().entrySet()) {
          Set<String> gone = new HashSet<>();
          for (PartHandle part : tenant.getValue()) {
            if (!committed.contains(part.key()) || replaced.contains(part.key())) {
              gone.add(part.key());
            }
          }
          if (!gone.isEmpty()) {
            parts = withoutParts(parts, tenant.getKey(), gone);
            changes += gone.size();
          }
        }
        for (PartHandle part : catalogue.opened().values()) {
          if (!replaced.contains(part.key())) {
            parts = withPart(parts, part);
            changes++;
          }
        }
        state = new State(state.live(), state.frozen(), parts);
      }
      lastCatalogueRefreshMillis = config.clock().millis();
      if (changes > 0) {
        log.info("read-only store refreshed its catalogue: {} parts added or dropped", changes);
      }
      return changes;
    } finally {
      maintenanceLock.unlock();
    }
  }

  /** Whether this store serves another server's parts without writing (storage.s3.read_only). */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Checks that the object store can be used now (for S3: the bucket exists and takes the
   * credentials), for {@code /ready}.
   *
   * @throws IOException saying what is wrong
   */
  public void checkStorage() throws IOException {
    objectStore.checkAccess();
  }

  /** The block cache of a remote store, or null with local storage. */
  public dev.tonari.store.object.RangeCache remoteCache() {
    return remoteParts == null ? null : remoteParts.cache();
  }

  /** Orphan parts deleted so far (0 with local storage). */
  long orphansDeleted() {
    return remoteParts == null ? 0 : remoteParts.orphansDeleted.sum();
  }

  private void maintainQuietly() {
    if (closed) {
      return;
    }
    try {
      maintainInBackground();
    } catch (IOException | RuntimeException e) {
      // The next round retries; a failure here must not stop the schedule.
      log.error("store maintenance in {} failed", dataDirectory, e);
    }
  }

  private boolean flushDue() {
    State current = state;
    Head live = current.live();
    if (!current.frozen().isEmpty() || live.bytes() >= flushThreshold() || (flushForHeadBound.getAndSet(false) && !live.isEmpty())) {
      return true;
    }
    long first = live.firstAppendMillis();
    return first != Long.MAX_VALUE && config.clock().millis() - first >= config.flushAge().toMillis();
  }

  /** Runs merges until none is due: each may make the next level eligible. */
  private void mergeWhileDue() throws IOException {
    while (mergeOnce()) {
      // The loop's condition does the work.
    }
  }

  /** Runs at most one merge; true when one ran. */
  public boolean mergeOnce() throws IOException {
    if (readOnly || writerOnly) {
      return false;
    }
    MergePolicy policy = config.mergePolicy();
    maintenanceLock.lock();
    try {
      for (Map.Entry<String, List<PartHandle>> tenantParts : new TreeMap<>(state.parts()).entrySet()) {
        TreeMap<Integer, List<PartHandle>> byLevel = new TreeMap<>();
        for (PartHandle part : tenantParts.getValue()) {
          if (part.level() < policy.maxLevel()) {
            byLevel.computeIfAbsent(part.level(), l -> new ArrayList<>()).add(part);
          }
        }
        for (Map.Entry<Integer, List<PartHandle>> level : byLevel.entrySet()) {
          if (level.getValue().size() >= policy.partsPerMerge()) {
            List<PartHandle> inputs = new ArrayList<>(level.getValue());
            inputs.sort(Comparator.comparingLong(PartHandle::sequence));
            merge(tenantParts.getKey(), level.getKey() + 1, inputs.subList(0, policy.partsPerMerge()));
            return true;
          }
        }
      }
      return false;
    } finally {
      maintenanceLock.unlock();
    }
  }

  private void merge(String tenant, int level, List<PartHandle> inputs) throws IOException {
    List<String> keys = inputs.stream().map(PartHandle::key).toList();
    TreeMap<Labels, List<int[]>> streams = new TreeMap<>();
    for (int p = 0; p < inputs.size(); p++) {
      List<PartStream> partStreams = inputs.get(p).streams();
      for (int s = 0; s < partStreams.size(); s++) {
        streams.computeIfAbsent(partStreams.get(s).labels(), l -> new ArrayList<>()).add(new int[] {p, s});
      }
    }
    long sequence = takeSequence();
    String key = PartHandle.key(tenant, level, sequence);
    PartHandle merged =
        writePart(
            key,
            PartWriterOptions.forMerge(tenant, level, keys),
            writer -> {
              for (Map.Entry<Labels, List<int[]>> stream : streams.entrySet()) {
                List<MergingCursor.Source> sources = new ArrayList<>();
                for (int[] ref : stream.getValue()) {
                  PartHandle part = inputs.get(ref[0]);
                  sources.add(new MergingCursor.Source(part.reader().cursor(ref[1], Long.MIN_VALUE, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of()), part));
                }
                try (MergingCursor cursor = new MergingCursor(stream.getKey(), sources, Direction.FORWARD, this::quarantine)) {
                  boolean begun = false;
                  while (cursor.next()) {
                    if (!begun) {
                      writer.beginStream(stream.getKey());
                      begun = true;
                    }
                    writer.add(cursor.timestamp(), cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength(), cursor.metadata());
                  }
                  if (begun) {
                    writer.endStream();
                  }
                }
              }
            });
    // A failed registration leaves the merged part an orphan, not deleted here: the catalogue may
    // have made the change and failed only to answer, and then it names the part.
    register(merged.summary().entries() > 0 ? List.of(merged) : List.of(), keys, "merge of tenant " + tenant + " into " + key);
    synchronized (stateLock) {
      Map<String, List<PartHandle>> parts = withoutParts(state.parts(), tenant, Set.copyOf(keys));
      if (merged.summary().entries() > 0) {
        parts = withPart(parts, merged);
      }
      state = new State(state.live(), state.frozen(), parts);
    }
    if (merged.summary().entries() == 0) {
      deletePart(merged.key());
    }
    for (PartHandle input : inputs) {
      retire(input);
      if (deletesReplacedObjects()) {
        deletePart(input.key());
      }
    }
    metrics.merges.increment();
    metrics.mergeBytesWritten.add(merged.summary().fileBytes());
    log.debug("merged {} parts of tenant {} into {}", keys.size(), tenant, key);
  }

  /**
   * Merges each tenant's level-0 parts, however few, into one level-1 part (at the merge zstd
   * level): what a graceful close does after its final flush. Nothing happens when merging is
   * disabled ({@link MergePolicy#maxLevel()} 0).
   */
  void mergeLevelZeroParts() throws IOException {
    if (config.mergePolicy().maxLevel() < 1 || readOnly || writerOnly) {
      return;
    }
    maintenanceLock.lock();
    try {
      for (Map.Entry<String, List<PartHandle>> tenantParts : new TreeMap<>(state.parts()).entrySet()) {
        List<PartHandle> levelZero = new ArrayList<>();
        for (PartHandle part : tenantParts.getValue()) {
          if (part.level() == 0) {
            levelZero.add(part);
          }
        }
        if (!levelZero.isEmpty()) {
          levelZero.sort(Comparator.comparingLong(PartHandle::sequence));
          merge(tenantParts.getKey(), 1, levelZero);
        }
      }
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * A part holding some entries past retention is rewritten without them only when they are at
   * least this share of its entries: rewriting for a handful of entries would copy a whole part
   * (bounded write amplification); the rest waits until more of the part expires, or all of it.
   */
  static final double RETENTION_REWRITE_MIN_SHARE = 0.10;

  /**
   * Applies each tenant's {@link RetentionPolicy}: deletes parts whose every stream is past its
   * stream's cutoff, and rewrites, without the expired entries, parts where expired entries are
   * at least {@link #RETENTION_REWRITE_MIN_SHARE} of the part. A rewritten part names the old
   * one in {@code replaces}, so a crash between publishing it and deleting the old part is
   * resolved at startup (and reads de-duplicate meanwhile). Returns how many parts were deleted
   * or rewritten.
   */
  public int applyRetention() throws IOException {
    if (readOnly || writerOnly) {
      return 0;
    }
    maintenanceLock.lock();
    try {
      long nowNanos = nowNanos();
      int changed = 0;
      for (Map.Entry<String, List<PartHandle>> tenantParts : new TreeMap<>(state.parts()).entrySet()) {
        String tenant = tenantParts.getKey();
        RetentionPolicy retention = config.retentionPolicyFor(tenant);
        if (retention.keepsEverything()) {
          continue;
        }
        Map<Labels, Long> cutoffByStream = new HashMap<>();
        Set<String> expired = new HashSet<>();
        List<PartHandle> toRewrite = new ArrayList<>();
        for (PartHandle part : tenantParts.getValue()) {
          long expiredEntries = 0;
          boolean allExpired = true;
          for (PartStream stream : part.streams()) {
            long cutoff = cutoffByStream.computeIfAbsent(stream.labels(), labels -> retention.cutoffNanos(labels, nowNanos));
            if (stream.maxTimestamp() < cutoff) {
              expiredEntries += stream.entries();
            } else {
              allExpired = false;
              expiredEntries += estimatedEntriesBefore(stream, cutoff);
            }
          }
          if (allExpired) {
            expired.add(part.key());
          } else if (expiredEntries > 0 && expiredEntries >= RETENTION_REWRITE_MIN_SHARE * part.summary().entries()) {
            toRewrite.add(part);
          }
        }
        if (!expired.isEmpty()) {
          register(List.of(), List.copyOf(new TreeSet<>(expired)), "retention's deletion of parts of tenant " + tenant);
          synchronized (stateLock) {
            state = new State(state.live(), state.frozen(), withoutParts(state.parts(), tenant, expired));
          }
          for (PartHandle part : tenantParts.getValue()) {
            if (expired.contains(part.key())) {
              retire(part);
              if (deletesReplacedObjects()) {
                deletePart(part.key());
              }
              metrics.retentionDeletedParts.increment();
              changed++;
              log.info("retention deleted part {} of tenant {} (every stream past its retention)", part.key(), tenant);
            }
          }
        }
        for (PartHandle part : toRewrite) {
          rewriteWithoutExpired(tenant, part, cutoffByStream);
          changed++;
        }
      }
      return changed;
    } finally {
      maintenanceLock.unlock();
    }
  }

  /**
   * How many of a stream's entries are older than the cutoff, assuming they are spread evenly
   * between its first and last timestamps: the index has no finer count, and reading the blocks
   * on every maintenance round to count exactly would cost more than the estimate's error.
   */
  private static long estimatedEntriesBefore(PartStream stream, long cutoff) {
    if (cutoff <= stream.minTimestamp()) {
      return 0;
    }
    double span = (double) stream.maxTimestamp() - stream.minTimestamp() + 1;
    double share = ((double) cutoff - stream.minTimestamp()) / span;
    return (long) (stream.entries() * Math.min(1.0, share));
  }

  /** Replaces a part with one holding only its entries within their streams' retention. */
  private void rewriteWithoutExpired(String tenant, PartHandle part, Map<Labels, Long> cutoffByStream) throws IOException {
    List<PartStream> streams = part.streams();
    String key = PartHandle.key(tenant, part.level(), takeSequence());
    PartHandle rewritten =
        writePart(
            key,
            PartWriterOptions.forMerge(tenant, part.level(), List.of(part.key())),
            writer -> {
              for (int s = 0; s < streams.size(); s++) {
                PartStream stream = streams.get(s);
                long cutoff = cutoffByStream.get(stream.labels());
                if (stream.maxTimestamp() < cutoff) {
                  continue;
                }
                List<MergingCursor.Source> sources =
                    List.of(new MergingCursor.Source(part.reader().cursor(s, cutoff, Long.MAX_VALUE, Direction.FORWARD, LinePredicate.ALL, List.of()), part));
                try (MergingCursor cursor = new MergingCursor(stream.labels(), sources, Direction.FORWARD, this::quarantine)) {
                  boolean begun = false;
                  while (cursor.next()) {
                    if (!begun) {
                      writer.beginStream(stream.labels());
                      begun = true;
                    }
                    writer.add(cursor.timestamp(), cursor.lineBuffer(), cursor.lineOffset(), cursor.lineLength(), cursor.metadata());
                  }
                  if (begun) {
                    writer.endStream();
                  }
                }
              }
            });
    register(rewritten.summary().entries() > 0 ? List.of(rewritten) : List.of(), List.of(part.key()), "retention's rewrite of part " + part.key());
    synchronized (stateLock) {
      Map<String, List<PartHandle>> parts = withoutParts(state.parts(), tenant, Set.of(part.key()));
      if (rewritten.summary().entries() > 0) {
        parts = withPart(parts, rewritten);
      }
      state = new State(state.live(), state.frozen(), parts);
    }
    if (rewritten.summary().entries() == 0) {
      deletePart(rewritten.key());
    }
    retire(part);
    if (deletesReplacedObjects()) {
      deletePart(part.key());
    }
    metrics.retentionRewrittenParts.increment();
    log.info(
        "retention rewrote part {} of tenant {} as {} ({} of {} entries kept)",
        part.key(), tenant, key, rewritten.summary().entries(), part.summary().entries());
  }

  // ------------------------------------------------------------------------------- statistics

  /**
   * Bytes held by the live and frozen heads (as {@link StoreMetrics#headBytes()}): with {@link
   * #liveHeadAge()}, what an ingester decides its flushes by.
   */
  public long headBytes() {
    long bytes = 0;
    for (Head head : state.heads()) {
      bytes += head.bytes();
    }
    return bytes;
  }

  /** How long ago the live head took its first append (by the store's clock); zero when it is empty. */
  public Duration liveHeadAge() {
    long first = state.live().firstAppendMillis();
    return first == Long.MAX_VALUE ? Duration.ZERO : Duration.ofMillis(Math.max(0, config.clock().millis() - first));
  }

  /** Whether this store is an ingester's (see "Writer-only" above). */
  public boolean isWriterOnly() {
    return writerOnly;
  }

  long headStreams() {
    long streams = 0;
    for (Head head : state.heads()) {
      streams += head.streamCount();
    }
    return streams;
  }

  Map<String, Long> partCounts() {
    Map<String, Long> counts = new TreeMap<>();
    state.parts().forEach((tenant, parts) -> counts.put(tenant, (long) parts.size()));
    return counts;
  }

  Map<String, Long> partBytes() {
    Map<String, Long> bytes = new TreeMap<>();
    state.parts().forEach((tenant, parts) -> bytes.put(tenant, parts.stream().mapToLong(p -> p.summary().fileBytes()).sum()));
    return bytes;
  }

  long openPartStats(StoreMetrics.PartStatistic statistic) {
    long sum = 0;
    for (List<PartHandle> parts : state.parts().values()) {
      for (PartHandle part : parts) {
        sum +=
            switch (statistic) {
              case SKIPPED_BY_BLOOM -> part.reader().blocksSkippedByBloom();
              case SKIPPED_BY_TIME -> part.reader().blocksSkippedByTime();
              case READ -> part.reader().blocksRead();
            };
      }
    }
    return sum;
  }

  /** Keys of the published parts of a tenant, sorted (for tests and the admin API). */
  /** The published parts of a tenant (for tests). */
  List<PartHandle> partHandles(String tenant) {
    return state.parts(tenant);
  }

  public List<String> partKeys(String tenant) {
    return state.parts(tenant).stream().map(PartHandle::key).sorted().toList();
  }

  // ----------------------------------------------------------------------------------- close

  /**
   * Stops maintenance, flushes the head to parts, merges each tenant's level-0 parts into one
   * level-1 part, runs the merges that this made due, and closes the WAL and the object store
   * (the last two steps only with a background maintenance thread; with manual maintenance the
   * caller decides when to merge).
   *
   * <p>Level-0 parts are written by flushes at the flush zstd level; left as they are, a restarted
   * store would keep the last flushes' data at that level until enough parts pile up for a merge,
   * and a stop-and-start server would be larger on disk than necessary. Only level-0 data is merged
   * (recent and small: at most a few flushes), so a restart never rewrites old data, and every
   * entry still passes through level 1 once: the write amplification bound of {@link MergePolicy}
   * holds. The other merges run here rather than after a restart because the restarted store would
   * otherwise run them within its first maintenance round, while it serves its first queries; they
   * are bounded (at most one per level per tenant), and a stop that is cut short leaves a
   * consistent catalogue, as any interrupted merge does.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    stopMaintenance();
    try {
      flush();
      if (config.maintenanceInterval().isPositive()) {
        mergeLevelZeroParts();
        mergeWhileDue();
      }
    } finally {
      releaseResources();
    }
  }

  /** Refuses further appends, then closes the WAL, the scan pool and an owned object store. */
  private void releaseResources() throws IOException {
    appendLock.writeLock().lock();
    try {
      closed = true;
    } finally {
      appendLock.writeLock().unlock();
    }
    wal.close();
    if (scanPool != null) {
      scanPool.close();
    }
    if (flushWriters != null) {
      // Every flush waits for its writers, so none is running once the appends are refused.
      flushWriters.shutdown();
    }
    if (remoteParts != null) {
      remoteParts.close();
    }
    if (ownsObjectStore) {
      objectStore.close();
    }
  }

  /**
   * Stops everything without flushing, as {@code kill -9} would leave the files (acknowledged
   * records are in the WAL already): for crash-recovery tests.
   */
  void abandonWithoutFlush() throws IOException {
    stopMaintenance();
    releaseResources();
  }

  private void stopMaintenance() {
    if (maintenance == null) {
      return;
    }
    // Not shutdownNow: interrupting a flush or merge would close its file channels mid-write.
    // Maintenance first: it is what hands work to the merges.
    awaitStopped(maintenance, "store maintenance");
    awaitStopped(merges, "store merges");
  }

  private void awaitStopped(java.util.concurrent.ExecutorService executor, String what) {
    executor.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        log.warn("{} in {} still running after a minute; waiting", what, dataDirectory);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A cursor over a head stream's snapshot; with required literals, the stream's chunk filters
   * skip the chunks that cannot hold them, as a part's block filters skip blocks.
   */
  private static EntryCursor headCursor(
      HeadStream stream, HeadStreamSnapshot snapshot, SelectRequest request, NeedleProbes[] probes, long from, long to) {
    if (probes.length == 0) {
      return snapshot.cursor(from, to, request.direction(), request.lineFilter(), request.scanListener());
    }
    return snapshot.cursor(from, to, request.direction(), request.lineFilter(), request.scanListener(), probes, stream.chunkFilters());
  }
}
