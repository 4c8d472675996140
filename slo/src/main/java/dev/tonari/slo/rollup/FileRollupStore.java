package dev.tonari.slo.rollup;

import dev.tonari.slo.rollup.InMemoryRollupStore.SloRef;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import com.google.re2j.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RollupStore} on the local disk: one directory per tenant and SLO, one file per series
 * per UTC day, each rewritten whole and atomically for readers ({@link
 * AtomicFiles#replaceWithoutSync}: temporary file and rename, no fsync, since the data is derived
 * and checksummed; the fingerprint file is fsynced) when one of its minutes changes. Decoded days
 * are kept in a bounded in-memory cache.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * directory/
 *   store.lock                      held (FileChannel lock) while a store is open: one process per directory
 *   &lt;tenant&gt;/&lt;slo id&gt;/              names escaped, see below
 *     slo.meta                      the spec fingerprint (absent when none is set)
 *     &lt;group hash&gt;/&lt;epoch day&gt;.day   the minutes of one series in one UTC day
 * </pre>
 *
 * <p>A tenant or SLO id becomes a directory name by keeping {@code a-z}, {@code 0-9}, {@code _}
 * and {@code -} and writing every other UTF-8 byte as {@code %XX} (upper-case hex), so names are
 * distinct even on a case-insensitive file system and never hold a dot; an empty name or one whose
 * escaped form exceeds 120 characters becomes its first 64 escaped characters, {@code ~}, and the
 * first 32 hex digits of the SHA-256 of the name. The group hash is the first 32 hex digits of the
 * SHA-256 of the group encoding below (count, then each name and value); the labels themselves are
 * inside every day file, which is what {@link #series} reads. The epoch day is the UTC day number
 * ({@code minute / 1440}, floored) in decimal. Every name the store creates for itself holds a dot,
 * so it can never be mistaken for a tenant, SLO or group: temporary files of {@link AtomicFiles}
 * ({@code *.tmp-*}, left by a crash during a write, ignored and removed by {@link #prune}),
 * quarantined corrupt files ({@code *.corrupt}) and SLO directories being deleted
 * ({@code *.deleted-*}, removed on open).
 *
 * <h2>Day file, format {@code tonari-slo-rollup-day} version 1</h2>
 *
 * All integers little-endian; {@code string} is a u32 byte length followed by UTF-8.
 *
 * <pre>
 * offset size  field
 * 0      4     magic 89 54 52 44 ("\x89TRD")
 * 4      1     u8 length of the format name = 21
 * 5      21    format name "tonari-slo-rollup-day" (ASCII)
 * 26     4     u32 version = 1
 * 30     ...   string tenant, string SLO id
 *        4     u32 group label count g, then g times: string name, string value (sorted by name)
 *        8     i64 epoch day
 *        4     u32 n = minutes with data
 *        184   23 u64 words: presence bitmap; minute i of the day (0..1439) has data when bit
 *              (i mod 64) of word (i / 64) is set; n equals the number of set bits
 *        16n   for each minute with data, in ascending order: f64 bad events, f64 total events
 *              (total never NaN)
 *        4     footer magic C0 28 93 E8
 *        4     u32 CRC32 (java.util.zip.CRC32) of every byte before it
 * </pre>
 *
 * A day with no minute with data has no file.
 *
 * <h2>Meta file, format {@code tonari-slo-rollup-meta} version 1</h2>
 *
 * <pre>
 * 0      4     magic 89 54 52 4D ("\x89TRM")
 * 4      1     u8 length of the format name = 22
 * 5      22    format name "tonari-slo-rollup-meta"
 * 27     4     u32 version = 1
 * 31     ...   string tenant, string SLO id, string fingerprint
 *        4     footer magic C0 28 93 E8
 *        4     u32 CRC32 of every byte before it
 * </pre>
 *
 * <h2>Corruption</h2>
 *
 * A file whose size, magic, name, version, CRC, counts or identity (tenant, SLO, group, day not the
 * ones its path says) do not check out is logged as an error with its path and reason, counted in
 * {@link #corruptFiles()}, renamed to {@code <name>.corrupt} for inspection, and treated as absent:
 * its minutes read as no data, and the SLO's fingerprint is dropped so that the engine, which
 * compares fingerprints, rebuilds the SLO from the stored logs. Garbage is never returned. Errors of
 * the file system itself (disk full, permissions) are thrown as {@link UncheckedIOException}.
 */
public final class FileRollupStore implements RollupStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileRollupStore.class);

  static final byte[] DAY_MAGIC = {(byte) 0x89, 'T', 'R', 'D'};
  static final byte[] META_MAGIC = {(byte) 0x89, 'T', 'R', 'M'};
  static final byte[] FOOTER_MAGIC = {(byte) 0xC0, 0x28, (byte) 0x93, (byte) 0xE8};
  static final String DAY_FORMAT = "tonari-slo-rollup-day";
  static final String META_FORMAT = "tonari-slo-rollup-meta";
  static final int VERSION = 1;
  static final String META_FILE = "slo.meta";
  private static final int BITMAP_WORDS = (DayBlock.MINUTES_PER_DAY + 63) / 64;
  private static final Pattern DAY_FILE = Pattern.compile("-?[0-9]+\\.day");
  private static final Pattern GROUP_DIRECTORY = Pattern.compile("[0-9a-f]{32}");
  /**
   * Default cache bound: what a status of 100 SLOs with 30-day windows reads (the window and the
   * policy's lookback of one more window: 61-62 UTC days each) with room to spare, about 180 MiB
   * when full. The cache is least-recently-used, so a status that reads more days than it holds
   * misses on every day (docs/benchmarks.md); a server with more SLOs needs a larger one.
   */
  public static final int DEFAULT_CACHED_DAYS = 8000;

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final DayCache cache;
  private final Map<Path, Object> sloLocks = new ConcurrentHashMap<>();
  private final AtomicLong corruptFiles = new AtomicLong();
  private volatile boolean closed;

  /** A store in {@code directory} (created if missing) with the default cache bound. */
  public FileRollupStore(Path directory) {
    this(directory, DEFAULT_CACHED_DAYS);
  }

  /**
   * @param maxCachedDays how many decoded series-days to keep in memory (each about 23 KiB)
   * @throws IllegalStateException when another open store holds the directory
   */
  public FileRollupStore(Path directory, int maxCachedDays) {
    this.directory = directory.toAbsolutePath();
    this.cache = new DayCache(maxCachedDays);
    try {
      Files.createDirectories(this.directory);
      this.lockChannel = FileChannel.open(this.directory.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock acquired;
      try {
        acquired = lockChannel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        acquired = null;
      }
      if (acquired == null) {
        lockChannel.close();
        throw new IllegalStateException("the rollup directory " + this.directory + " is in use by another store");
      }
      this.lock = acquired;
      removeLeftoverDeletions();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the rollup directory " + this.directory, e);
    }
  }

  /** How many corrupt files were found (and set aside) since this store was opened. */
  public long corruptFiles() {
    return corruptFiles.get();
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void write(SeriesKey key, MinuteSeries minutes) {
    checkOpen();
    if (minutes.length() == 0) {
      return;
    }
    SloRef ref = SloRef.of(key);
    synchronized (sloLock(ref)) {
      Path seriesDirectory = seriesDirectory(key);
      for (long day = DayBlock.dayOf(minutes.startMinute()), last = DayBlock.dayOf(minutes.endMinute() - 1); day <= last; day++) {
        DayBlock old = loadDay(key, day);
        DayBlock updated = old.apply(minutes);
        if (updated != old) {
          storeDay(key, seriesDirectory, updated);
        }
      }
    }
  }

  @Override
  public MinuteSeries read(SeriesKey key, long fromMinute, long toMinute) {
    checkOpen();
    MinuteSeries result = new MinuteSeries(fromMinute, InMemoryRollupStore.checkedLength(fromMinute, toMinute));
    if (toMinute <= fromMinute) {
      return result;
    }
    long firstDay = DayBlock.dayOf(fromMinute);
    long lastDay = DayBlock.dayOf(toMinute - 1);
    Object sloLock = null;
    for (long day = firstDay; day <= lastDay; day++) {
      DayBlock block = cache.get(key, day);
      if (block == null) {
        if (sloLock == null) {
          sloLock = sloLock(SloRef.of(key));
        }
        synchronized (sloLock) {
          block = loadDay(key, day);
        }
      }
      if (!block.isEmpty()) {
        block.copyInto(result);
      }
    }
    return result;
  }

  @Override
  public List<SeriesKey> series(String tenant, String sloId) {
    checkOpen();
    SloRef ref = new SloRef(tenant, sloId);
    List<SeriesKey> keys = new ArrayList<>();
    synchronized (sloLock(ref)) {
      Path sloDirectory = sloDirectory(ref);
      for (Path groupDirectory : list(sloDirectory, path -> Files.isDirectory(path) && GROUP_DIRECTORY.matcher(name(path)).matches())) {
        readSeriesKey(ref, groupDirectory).ifPresent(keys::add);
      }
    }
    return keys;
  }

  @Override
  public void deleteSlo(String tenant, String sloId) {
    checkOpen();
    SloRef ref = new SloRef(tenant, sloId);
    synchronized (sloLock(ref)) {
      Path sloDirectory = sloDirectory(ref);
      cache.removeSlo(ref);
      if (!Files.isDirectory(sloDirectory)) {
        return;
      }
      // Rename first, so that a crash in the middle leaves either the whole SLO or a directory the
      // next open removes, never half of its days.
      Path doomed = sloDirectory.resolveSibling(name(sloDirectory) + ".deleted-" + System.nanoTime());
      try {
        Files.move(sloDirectory, doomed, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.syncDirectory(sloDirectory.getParent());
        deleteRecursively(doomed);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the rollups of SLO " + sloId + " of tenant " + tenant + " in " + sloDirectory, e);
      }
    }
  }

  @Override
  public Optional<String> fingerprint(String tenant, String sloId) {
    checkOpen();
    SloRef ref = new SloRef(tenant, sloId);
    synchronized (sloLock(ref)) {
      Path file = sloDirectory(ref).resolve(META_FILE);
      byte[] content = readIfExists(file, ref);
      if (content == null) {
        return Optional.empty();
      }
      try {
        ByteBuffer buffer = checkedBody(content, META_MAGIC, META_FORMAT);
        String fileTenant = readString(buffer);
        String fileSlo = readString(buffer);
        String fingerprint = readString(buffer);
        if (buffer.hasRemaining()) {
          throw new CorruptFileException(buffer.remaining() + " bytes after the fingerprint");
        }
        if (!fileTenant.equals(tenant) || !fileSlo.equals(sloId)) {
          throw new CorruptFileException("holds tenant " + fileTenant + " SLO " + fileSlo + ", not tenant " + tenant + " SLO " + sloId);
        }
        return Optional.of(fingerprint);
      } catch (CorruptFileException e) {
        quarantine(file, e.getMessage(), false);
        return Optional.empty();
      }
    }
  }

  @Override
  public void setFingerprint(String tenant, String sloId, String fingerprint) {
    checkOpen();
    SloRef ref = new SloRef(tenant, sloId);
    synchronized (sloLock(ref)) {
      ByteWriter out = new ByteWriter();
      out.header(META_MAGIC, META_FORMAT);
      out.string(tenant);
      out.string(sloId);
      out.string(fingerprint);
      Path file = sloDirectory(ref).resolve(META_FILE);
      try {
        AtomicFiles.write(file, out.finish());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the fingerprint of SLO " + sloId + " of tenant " + tenant + " to " + file, e);
      }
    }
  }

  @Override
  public void prune(long beforeMinute) {
    checkOpen();
    long boundaryDay = DayBlock.dayOf(beforeMinute);
    for (Path tenantDirectory : list(directory, path -> Files.isDirectory(path) && !name(path).contains("."))) {
      for (Path sloDirectory : list(tenantDirectory, path -> Files.isDirectory(path) && !name(path).contains("."))) {
        synchronized (sloLock(sloDirectory)) {
          pruneSlo(sloDirectory, beforeMinute, boundaryDay);
        }
      }
    }
  }

  private void pruneSlo(Path sloDirectory, long beforeMinute, long boundaryDay) {
    // The SLO's identity is inside its files; take it from the first readable day, as series() does.
    for (Path groupDirectory : list(sloDirectory, path -> Files.isDirectory(path) && GROUP_DIRECTORY.matcher(name(path)).matches())) {
      for (Path leftover : list(groupDirectory, path -> name(path).contains(".tmp-"))) {
        deleteQuietly(leftover);
      }
      List<Path> days = list(groupDirectory, path -> DAY_FILE.matcher(name(path)).matches());
      Optional<SeriesKey> key = Optional.empty();
      for (Path day : days) {
        long epochDay = epochDayOf(day);
        if (epochDay < boundaryDay) {
          key = key.isPresent() ? key : identityOf(day);
          deleteQuietly(day);
        }
      }
      Optional<SeriesKey> found = key.isPresent() ? key : readSeriesKeyUnlocked(groupDirectory);
      if (found.isPresent()) {
        SeriesKey series = found.get();
        cache.removeBefore(series, boundaryDay);
        DayBlock boundary = loadDay(series, boundaryDay);
        DayBlock pruned = boundary.clearBefore(beforeMinute);
        if (pruned != boundary) {
          storeDay(series, groupDirectory, pruned);
        }
      }
      if (list(groupDirectory, path -> true).isEmpty()) {
        deleteQuietly(groupDirectory);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cache.clear();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of the rollup directory " + directory, e);
    }
  }

  // ---- days

  /** The stored day, from the cache or its file; an empty block when absent or corrupt. */
  private DayBlock loadDay(SeriesKey key, long day) {
    DayBlock cached = cache.get(key, day);
    if (cached != null) {
      return cached;
    }
    Path file = seriesDirectory(key).resolve(day + ".day");
    byte[] content = readIfExists(file, SloRef.of(key));
    DayBlock block;
    if (content == null) {
      block = DayBlock.empty(day);
    } else {
      try {
        DecodedDay decoded = decodeDay(content);
        if (!decoded.key().equals(key) || decoded.block().epochDay() != day) {
          throw new CorruptFileException("holds " + decoded.key() + " day " + decoded.block().epochDay() + ", not " + key + " day " + day);
        }
        block = decoded.block();
      } catch (CorruptFileException e) {
        quarantine(file, e.getMessage(), true);
        block = DayBlock.empty(day);
      }
    }
    cache.put(key, day, block);
    return block;
  }

  private void storeDay(SeriesKey key, Path seriesDirectory, DayBlock block) {
    Path file = seriesDirectory.resolve(block.epochDay() + ".day");
    try {
      if (block.isEmpty()) {
        Files.deleteIfExists(file);
      } else {
        // Without fsync: a day file is derived from the logs and checksummed. A torn one is set
        // aside and its SLO rebuilt; a lost newest write is read again by the engine's first
        // round after a restart (it re-evaluates the last hour). Two fsyncs per file per minute
        // were most of an evaluation round's cost (docs/benchmarks.md).
        AtomicFiles.replaceWithoutSync(file, encodeDay(key, block));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write day " + block.epochDay() + " of " + key + " to " + file, e);
    }
    cache.put(key, block.epochDay(), block);
  }

  static byte[] encodeDay(SeriesKey key, DayBlock block) {
    ByteWriter out = new ByteWriter();
    out.header(DAY_MAGIC, DAY_FORMAT);
    out.string(key.tenant());
    out.string(key.sloId());
    out.u32(key.group().size());
    for (Map.Entry<String, String> label : key.group().entrySet()) {
      out.string(label.getKey());
      out.string(label.getValue());
    }
    out.i64(block.epochDay());
    out.u32(block.minutesWithData());
    long[] bitmap = new long[BITMAP_WORDS];
    for (int minute = 0; minute < DayBlock.MINUTES_PER_DAY; minute++) {
      if (block.hasData(minute)) {
        bitmap[minute >>> 6] |= 1L << (minute & 63);
      }
    }
    for (long word : bitmap) {
      out.i64(word);
    }
    for (int minute = 0; minute < DayBlock.MINUTES_PER_DAY; minute++) {
      if (block.hasData(minute)) {
        out.f64(block.bad(minute));
        out.f64(block.total(minute));
      }
    }
    return out.finish();
  }

  record DecodedDay(SeriesKey key, DayBlock block) {}

  static DecodedDay decodeDay(byte[] content) throws CorruptFileException {
    ByteBuffer buffer = checkedBody(content, DAY_MAGIC, DAY_FORMAT);
    try {
      String tenant = readString(buffer);
      String sloId = readString(buffer);
      long groupSize = Integer.toUnsignedLong(buffer.getInt());
      if (groupSize > buffer.remaining() / 8) {
        throw new CorruptFileException("group label count " + groupSize + " exceeds the file");
      }
      Map<String, String> group = new TreeMap<>();
      for (long i = 0; i < groupSize; i++) {
        String name = readString(buffer);
        group.put(name, readString(buffer));
      }
      long epochDay = buffer.getLong();
      long count = Integer.toUnsignedLong(buffer.getInt());
      long[] bitmap = new long[BITMAP_WORDS];
      int bits = 0;
      for (int i = 0; i < BITMAP_WORDS; i++) {
        bitmap[i] = buffer.getLong();
        bits += Long.bitCount(bitmap[i]);
      }
      if ((bitmap[BITMAP_WORDS - 1] >>> (DayBlock.MINUTES_PER_DAY & 63)) != 0) {
        throw new CorruptFileException("presence bits beyond minute 1439");
      }
      if (bits != count || buffer.remaining() != count * 16) {
        throw new CorruptFileException(count + " minutes with data, " + bits + " presence bits, " + buffer.remaining() + " bytes of values");
      }
      double[] bad = new double[DayBlock.MINUTES_PER_DAY];
      double[] total = new double[DayBlock.MINUTES_PER_DAY];
      java.util.Arrays.fill(total, Double.NaN);
      for (int minute = 0; minute < DayBlock.MINUTES_PER_DAY; minute++) {
        if ((bitmap[minute >>> 6] & (1L << (minute & 63))) != 0) {
          bad[minute] = buffer.getDouble();
          total[minute] = buffer.getDouble();
          if (Double.isNaN(total[minute])) {
            throw new CorruptFileException("minute " + minute + " is marked with data but its total is NaN");
          }
        }
      }
      return new DecodedDay(new SeriesKey(tenant, sloId, group), new DayBlock(epochDay, bad, total));
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException("ends inside a record");
    }
  }

  /** Checks size, footer and CRC, magic, format name and version; returns the body after the header. */
  static ByteBuffer checkedBody(byte[] content, byte[] magic, String format) throws CorruptFileException {
    int headerLength = 4 + 1 + format.length() + 4;
    if (content.length < headerLength + 8) {
      throw new CorruptFileException("only " + content.length + " bytes, shorter than header and footer");
    }
    ByteBuffer buffer = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
    int footer = content.length - 8;
    for (int i = 0; i < 4; i++) {
      if (content[footer + i] != FOOTER_MAGIC[i]) {
        throw new CorruptFileException("no footer magic at offset " + footer + " (truncated or torn)");
      }
    }
    CRC32 crc = new CRC32();
    crc.update(content, 0, content.length - 4);
    long stored = Integer.toUnsignedLong(buffer.getInt(content.length - 4));
    if (crc.getValue() != stored) {
      throw new CorruptFileException(String.format("CRC32 %08x does not match the stored %08x", crc.getValue(), stored));
    }
    for (int i = 0; i < 4; i++) {
      if (content[i] != magic[i]) {
        throw new CorruptFileException("bad magic, not a " + format + " file");
      }
    }
    int nameLength = content[4] & 0xff;
    String name = new String(content, 5, Math.min(nameLength, content.length - 5), StandardCharsets.US_ASCII);
    if (!name.equals(format)) {
      throw new CorruptFileException("format " + name + ", expected " + format);
    }
    int version = buffer.getInt(5 + nameLength);
    if (version != VERSION) {
      throw new CorruptFileException("unsupported " + format + " version " + version + " (this build reads " + VERSION + ")");
    }
    ByteBuffer body = ByteBuffer.wrap(content, headerLength, footer - headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    return body;
  }

  static String readString(ByteBuffer buffer) throws CorruptFileException {
    long length = Integer.toUnsignedLong(buffer.getInt());
    if (length > buffer.remaining()) {
      throw new CorruptFileException("a string of " + length + " bytes exceeds the file");
    }
    byte[] bytes = new byte[(int) length];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // ---- series keys

  private Optional<SeriesKey> readSeriesKey(SloRef ref, Path groupDirectory) {
    Optional<SeriesKey> key = readSeriesKeyUnlocked(groupDirectory);
    if (key.isPresent() && !SloRef.of(key.get()).equals(ref)) {
      LOG.error("rollup directory {} holds {} rather than tenant {} SLO {}; ignored", groupDirectory, key.get(), ref.tenant(), ref.sloId());
      return Optional.empty();
    }
    return key;
  }

  /** The key of a series directory: from its newest readable day file. */
  private Optional<SeriesKey> readSeriesKeyUnlocked(Path groupDirectory) {
    List<Path> days = list(groupDirectory, path -> DAY_FILE.matcher(name(path)).matches());
    days.sort(Comparator.comparingLong(FileRollupStore::epochDayOf).reversed());
    for (Path day : days) {
      Optional<SeriesKey> key = identityOf(day);
      if (key.isPresent()) {
        return key;
      }
    }
    return Optional.empty();
  }

  /** The key inside one day file; a corrupt file is quarantined and yields empty. */
  private Optional<SeriesKey> identityOf(Path dayFile) {
    byte[] content = readIfExists(dayFile, null);
    if (content == null) {
      return Optional.empty();
    }
    try {
      DecodedDay decoded = decodeDay(content);
      if (!groupHash(decoded.key().group()).equals(name(dayFile.getParent())) || decoded.block().epochDay() != epochDayOf(dayFile)) {
        throw new CorruptFileException("holds " + decoded.key() + " day " + decoded.block().epochDay() + ", which belongs elsewhere");
      }
      return Optional.of(decoded.key());
    } catch (CorruptFileException e) {
      quarantine(dayFile, e.getMessage(), true);
      return Optional.empty();
    }
  }

  // ---- corruption

  private void quarantine(Path file, String reason, boolean dropFingerprint) {
    corruptFiles.incrementAndGet();
    Path aside = file.resolveSibling(name(file) + ".corrupt");
    LOG.error("corrupt rollup file {}: {}; moved to {} and treated as absent{}", file, reason, aside,
        dropFingerprint ? ", the SLO's fingerprint is dropped so that it is rebuilt from the logs" : "");
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set aside the corrupt rollup file " + file + " (" + reason + ")", e);
    }
    if (dropFingerprint) {
      // A day file lives in <slo>/<group>/.
      deleteQuietly(file.getParent().getParent().resolve(META_FILE));
    }
  }

  // ---- paths

  private Path sloDirectory(SloRef ref) {
    return directory.resolve(escapeName(ref.tenant())).resolve(escapeName(ref.sloId()));
  }

  private Path seriesDirectory(SeriesKey key) {
    return sloDirectory(SloRef.of(key)).resolve(groupHash(key.group()));
  }

  /** A file-system-safe, injective directory name for a tenant or SLO id (see the class javadoc). */
  static String escapeName(String name) {
    StringBuilder escaped = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-') {
        escaped.append((char) b);
      } else {
        escaped.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    if (escaped.isEmpty() || escaped.length() > 120) {
      String prefix = escaped.substring(0, Math.min(64, escaped.length()));
      return prefix + "~" + HexFormat.of().formatHex(sha256(name.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }
    return escaped.toString();
  }

  /** The directory name of a group: 32 hex digits of the SHA-256 of its labels. */
  static String groupHash(Map<String, String> group) {
    ByteWriter out = new ByteWriter();
    out.u32(group.size());
    for (Map.Entry<String, String> label : new TreeMap<>(group).entrySet()) {
      out.string(label.getKey());
      out.string(label.getValue());
    }
    return HexFormat.of().formatHex(sha256(out.bytes()), 0, 16);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  private static long epochDayOf(Path dayFile) {
    String name = name(dayFile);
    return Long.parseLong(name.substring(0, name.length() - ".day".length()));
  }

  private static String name(Path path) {
    return path.getFileName().toString();
  }

  // ---- file system helpers

  private byte[] readIfExists(Path file, SloRef ref) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the rollup file " + file + (ref == null ? "" : " of SLO " + ref.sloId() + " of tenant " + ref.tenant()), e);
    }
  }

  private static List<Path> list(Path directory, java.util.function.Predicate<Path> filter) {
    List<Path> paths = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path path : stream) {
        if (filter.test(path)) {
          paths.add(path);
        }
      }
    } catch (NoSuchFileException e) {
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the rollup directory " + directory, e);
    }
    return paths;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // Written to meanwhile; it stays.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private void removeLeftoverDeletions() throws IOException {
    for (Path tenantDirectory : list(directory, path -> Files.isDirectory(path) && !name(path).contains("."))) {
      for (Path doomed : list(tenantDirectory, path -> Files.isDirectory(path) && name(path).contains(".deleted-"))) {
        deleteRecursively(doomed);
      }
    }
  }

  /** The lock of one SLO directory: writes, loads of days into the cache, deletion and pruning of an SLO take it. */
  private Object sloLock(Path sloDirectory) {
    return sloLocks.computeIfAbsent(sloDirectory, d -> new Object());
  }

  private Object sloLock(SloRef ref) {
    return sloLock(sloDirectory(ref));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the rollup store in " + directory + " is closed");
    }
  }

  /** A file failed a check; the message says which and where. */
  static final class CorruptFileException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptFileException(String message) {
      super(message);
    }
  }

  /** Little-endian output with the header and the checksummed footer of both formats. */
  static final class ByteWriter {
    private ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);

    void header(byte[] magic, String format) {
      ensure(4 + 1 + format.length() + 4);
      buffer.put(magic);
      buffer.put((byte) format.length());
      buffer.put(format.getBytes(StandardCharsets.US_ASCII));
      buffer.putInt(VERSION);
    }

    void u32(long value) {
      ensure(4);
      buffer.putInt((int) value);
    }

    void i64(long value) {
      ensure(8);
      buffer.putLong(value);
    }

    void f64(double value) {
      ensure(8);
      buffer.putDouble(value);
    }

    void string(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      ensure(4 + bytes.length);
      buffer.putInt(bytes.length);
      buffer.put(bytes);
    }

    byte[] bytes() {
      return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    byte[] finish() {
      ensure(8);
      buffer.put(FOOTER_MAGIC);
      CRC32 crc = new CRC32();
      crc.update(buffer.array(), 0, buffer.position());
      buffer.putInt((int) crc.getValue());
      return bytes();
    }

    private void ensure(int more) {
      if (buffer.remaining() < more) {
        ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
      }
    }
  }

  /** A bounded LRU of decoded days (and of days known absent), shared by all series. */
  private static final class DayCache {
    private final LinkedHashMap<DayRef, DayBlock> days;

    DayCache(int maxDays) {
      if (maxDays < 1) {
        throw new IllegalArgumentException("the day cache needs room for at least one day, got " + maxDays);
      }
      this.days = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DayRef, DayBlock> eldest) {
          return size() > maxDays;
        }
      };
    }

    synchronized DayBlock get(SeriesKey key, long day) {
      return days.get(new DayRef(key, day));
    }

    synchronized void put(SeriesKey key, long day, DayBlock block) {
      days.put(new DayRef(key, day), block);
    }

    synchronized void removeSlo(SloRef ref) {
      days.keySet().removeIf(day -> SloRef.of(day.key()).equals(ref));
    }

    synchronized void removeBefore(SeriesKey key, long boundaryDay) {
      days.keySet().removeIf(day -> day.key().equals(key) && day.day() < boundaryDay);
    }

    synchronized void clear() {
      days.clear();
    }
  }

  private record DayRef(SeriesKey key, long day) {}

}
