package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded on-disk cache of byte ranges of remote objects (part blocks fetched from S3), evicted
 * least recently used first by bytes. A hit maps the cached file, so hot blocks are served from
 * the OS page cache with no copy and no request.
 *
 * <p>Each range is one file, {@code <directory>/<sha-256 of key, offset, length>.range}, written
 * to a temporary name, forced and renamed, so a crash leaves whole entries or none. Layout
 * (little-endian):
 *
 * <pre>
 *   0  4  magic 0x89 'T' 'N' 'R'
 *   4 12  "tonari-range"
 *  16  4  u32 version = 1
 *  20  4  u32 CRC32C of the payload
 *  24  8  u64 offset in the object
 *  32  4  u32 payload length
 *  36  4  u32 key length, then the key in UTF-8
 *  ..     payload
 * </pre>
 *
 * The CRC is checked on every hit (hardware CRC32C costs far less than the zstd decompression that
 * follows), and a damaged or foreign file is deleted and fetched again: a bad cache file must
 * never look like a corrupt object, which would quarantine a good part. Entries left by an earlier
 * run are adopted at start, oldest first.
 *
 * <p>Concurrent requests for one range share one fetch; {@link #prefetch} fetches on virtual
 * threads, at most {@link #MAX_PARALLEL_FETCHES} at a time, so blocks of a query arrive in
 * parallel however few scan threads decode them.
 */
public final class RangeCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RangeCache.class);
  private static final byte[] MAGIC = {(byte) 0x89, 'T', 'N', 'R'};
  private static final byte[] FORMAT = "tonari-range".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int FIXED_HEADER_BYTES = 40;
  private static final String SUFFIX = ".range";
  /** Fetches in the background at once; S3 serves many in parallel, a small machine's network fewer. */
  public static final int MAX_PARALLEL_FETCHES = 16;
  /** Mapped payloads kept for hot entries. */
  static final int MAX_MAPPED_ENTRIES = 4096;

  /** Fetches a range from the remote store. */
  @FunctionalInterface
  public interface Fetcher {
    ByteBuffer fetch(String key, long offset, int length) throws IOException;
  }

  private final Path directory;
  private final long maxBytes;
  private final Fetcher fetcher;
  /** File name to its size on disk, in access order; guarded by itself. */
  private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  /**
   * Payloads of recently hit entries, mapped and checked once: a hot block is then served without
   * opening, mapping and checking its file again. Bounded by count, since every mapping is a
   * kernel memory area (Linux allows 65,530 per process by default).
   */
  private final LinkedHashMap<String, ByteBuffer> mapped =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ByteBuffer> eldest) {
          return size() > MAX_MAPPED_ENTRIES;
        }
      };
  private final ConcurrentHashMap<String, CompletableFuture<ByteBuffer>> inFlight = new ConcurrentHashMap<>();
  private final ExecutorService prefetchers = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore fetchPermits = new Semaphore(MAX_PARALLEL_FETCHES);
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bytesFetched = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder damagedEntries = new LongAdder();

  /**
   * Opens the cache in a directory (created if missing), adopting the entries there, and fetching
   * misses with {@code fetcher}.
   *
   * @param maxBytes the most the cache files may take together; older entries are deleted past it
   */
  public RangeCache(Path directory, long maxBytes, Fetcher fetcher) throws IOException {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("cache size must be positive, got " + maxBytes);
    }
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.fetcher = fetcher;
    Files.createDirectories(directory);
    adoptExistingEntries();
  }

  private void adoptExistingEntries() throws IOException {
    record Found(Path file, long size, long modified) {}
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
          // A temporary file of a crashed write.
          Files.deleteIfExists(file);
          continue;
        }
        try {
          found.add(new Found(file, Files.size(file), Files.getLastModifiedTime(file).toMillis()));
        } catch (NoSuchFileException vanished) {
          // Deleted meanwhile: nothing to adopt.
        }
      }
    }
    found.sort(Comparator.comparingLong(Found::modified));
    synchronized (entries) {
      for (Found f : found) {
        entries.put(f.file().getFileName().toString(), f.size());
        bytes += f.size();
      }
    }
    evictBeyondLimit();
  }

  /**
   * The range, from the cache or fetched (and cached), positioned at 0 with {@code length}
   * remaining.
   */
  public ByteBuffer get(String key, long offset, int length) throws IOException {
    String name = fileName(key, offset, length);
    ByteBuffer hot;
    synchronized (entries) {
      hot = mapped.get(name);
      if (hot != null) {
        // Keep the entry's place in the byte LRU current too.
        entries.get(name);
      }
    }
    if (hot != null) {
      hits.increment();
      return hot.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer cached = readEntry(name, key, offset, length);
    if (cached != null) {
      hits.increment();
      synchronized (entries) {
        if (entries.containsKey(name)) {
          mapped.put(name, cached);
        }
      }
      return cached.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
    CompletableFuture<ByteBuffer> mine = new CompletableFuture<>();
    CompletableFuture<ByteBuffer> running = inFlight.putIfAbsent(name, mine);
    if (running != null) {
      return await(running, key, offset, length);
    }
    try {
      ByteBuffer fetched = fetchAndStore(name, key, offset, length);
      mine.complete(fetched);
      return fetched.duplicate();
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(name, mine);
    }
  }

  /** Starts fetching a range in the background unless it is cached or already coming. */
  public void prefetch(String key, long offset, int length) {
    String name = fileName(key, offset, length);
    synchronized (entries) {
      if (entries.containsKey(name)) {
        return;
      }
    }
    CompletableFuture<ByteBuffer> mine = new CompletableFuture<>();
    if (inFlight.putIfAbsent(name, mine) != null) {
      return;
    }
    try {
      prefetchers.execute(() -> {
        try {
          mine.complete(fetchAndStore(name, key, offset, length));
        } catch (IOException | RuntimeException e) {
          // The reader that needs the range fetches it again and sees the failure itself.
          log.debug("prefetch of {} [{}+{}] failed", key, offset, length, e);
          mine.completeExceptionally(e);
        } finally {
          inFlight.remove(name, mine);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      inFlight.remove(name, mine);
      mine.cancel(false);
    }
  }

  private ByteBuffer await(CompletableFuture<ByteBuffer> running, String key, long offset, int length) throws IOException {
    try {
      return running.get().duplicate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      java.io.InterruptedIOException interrupted = new java.io.InterruptedIOException("interrupted waiting for " + key + " [" + offset + "+" + length + "]");
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      // The shared fetch failed (perhaps a prefetch whose failure nobody saw): try once more here.
      return get(key, offset, length);
    }
  }

  private ByteBuffer fetchAndStore(String name, String key, long offset, int length) throws IOException {
    fetchPermits.acquireUninterruptibly();
    ByteBuffer fetched;
    try {
      fetched = fetcher.fetch(key, offset, length);
    } finally {
      fetchPermits.release();
    }
    if (fetched.remaining() != length) {
      throw new IOException("fetching " + key + " [" + offset + "+" + length + "] returned " + fetched.remaining() + " bytes");
    }
    misses.increment();
    bytesFetched.add(length);
    byte[] payload = new byte[length];
    fetched.duplicate().get(payload);
    try {
      writeEntry(name, key, offset, payload);
    } catch (IOException e) {
      // A full or broken cache disk costs refetches, not answers.
      log.warn("could not cache {} [{}+{}] in {}", key, offset, length, directory, e);
    }
    return ByteBuffer.wrap(payload).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private void writeEntry(String name, String key, long offset, byte[] payload) throws IOException {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(FIXED_HEADER_BYTES + keyBytes.length).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put(FORMAT).putInt(VERSION).putInt((int) crc.getValue()).putLong(offset).putInt(payload.length).putInt(keyBytes.length).put(keyBytes);
    header.flip();
    Path target = directory.resolve(name);
    Path temporary = directory.resolve(name + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer[] buffers = {header, ByteBuffer.wrap(payload)};
        while (buffers[1].hasRemaining()) {
          channel.write(buffers);
        }
        // No fsync: a cache entry lost in a power cut is fetched again, and the CRC catches a torn one.
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    long size = header.limit() + (long) payload.length;
    synchronized (entries) {
      Long previous = entries.put(name, size);
      bytes += size - (previous == null ? 0 : previous);
    }
    evictBeyondLimit();
  }

  /** The cached payload, or null when absent or damaged (a damaged entry is deleted). */
  private ByteBuffer readEntry(String name, String key, long offset, int length) throws IOException {
    synchronized (entries) {
      if (entries.get(name) == null) {
        return null;
      }
    }
    Path file = directory.resolve(name);
    ByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (NoSuchFileException evicted) {
      forget(name);
      return null;
    }
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int headerBytes = FIXED_HEADER_BYTES + keyBytes.length;
    if (mapped.capacity() != headerBytes + (long) length || !headerMatches(mapped, keyBytes, offset, length)) {
      discardDamaged(name, key, offset, length);
      return null;
    }
    ByteBuffer payload = mapped.slice(headerBytes, length).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    if ((int) crc.getValue() != mapped.getInt(20)) {
      discardDamaged(name, key, offset, length);
      return null;
    }
    return payload;
  }

  private static boolean headerMatches(ByteBuffer mapped, byte[] keyBytes, long offset, int length) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (mapped.get(i) != MAGIC[i]) {
        return false;
      }
    }
    for (int i = 0; i < FORMAT.length; i++) {
      if (mapped.get(4 + i) != FORMAT[i]) {
        return false;
      }
    }
    if (mapped.getInt(16) != VERSION || mapped.getLong(24) != offset || mapped.getInt(32) != length || mapped.getInt(36) != keyBytes.length) {
      return false;
    }
    for (int i = 0; i < keyBytes.length; i++) {
      if (mapped.get(FIXED_HEADER_BYTES + i) != keyBytes[i]) {
        return false;
      }
    }
    return true;
  }

  private void discardDamaged(String name, String key, long offset, int length) throws IOException {
    damagedEntries.increment();
    log.warn("cache entry {} for {} [{}+{}] in {} is damaged; fetching it again", name, key, offset, length, directory);
    forget(name);
    Files.deleteIfExists(directory.resolve(name));
  }

  private void forget(String name) {
    synchronized (entries) {
      mapped.remove(name);
      Long size = entries.remove(name);
      if (size != null) {
        bytes -= size;
      }
    }
  }

  private void evictBeyondLimit() {
    List<String> victims = new ArrayList<>();
    synchronized (entries) {
      Iterator<Map.Entry<String, Long>> oldestFirst = entries.entrySet().iterator();
      while (bytes > maxBytes && oldestFirst.hasNext()) {
        Map.Entry<String, Long> oldest = oldestFirst.next();
        bytes -= oldest.getValue();
        mapped.remove(oldest.getKey());
        victims.add(oldest.getKey());
        oldestFirst.remove();
      }
    }
    for (String victim : victims) {
      evictions.increment();
      try {
        // A reader that mapped the file keeps its bytes: the inode lives until it is unmapped.
        Files.deleteIfExists(directory.resolve(victim));
      } catch (IOException e) {
        log.warn("could not delete evicted cache entry {} in {}", victim, directory, e);
      }
    }
  }

  static String fileName(String key, long offset, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((key + "\n" + offset + "\n" + length).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20) + SUFFIX;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** Bytes the cache files take now. */
  public long bytes() {
    synchronized (entries) {
      return bytes;
    }
  }

  public long maxBytes() {
    return maxBytes;
  }

  public long entries() {
    synchronized (entries) {
      return entries.size();
    }
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  /** Bytes fetched from the remote store into the cache. */
  public long bytesFetched() {
    return bytesFetched.sum();
  }

  public long evictions() {
    return evictions.sum();
  }

  /** Entries found damaged (bad CRC or header) and fetched again. */
  public long damagedEntries() {
    return damagedEntries.sum();
  }

  @Override
  public void close() {
    prefetchers.shutdown();
  }
}
