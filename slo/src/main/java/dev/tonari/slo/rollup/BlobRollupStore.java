package dev.tonari.slo.rollup;

import dev.tonari.slo.rollup.FileRollupStore.ByteWriter;
import dev.tonari.slo.rollup.FileRollupStore.CorruptFileException;
import dev.tonari.slo.rollup.InMemoryRollupStore.SloRef;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RollupStore} over named blobs ({@link RollupBlobs}: a cluster's catalog), so that any
 * process that takes a tenant over reads the rollups its previous owner wrote. The same day blocks
 * as the other stores, each blob one series-day in {@link FileRollupStore}'s day format (identity
 * and CRC32 inside), plus one index blob per SLO, because a key-value store cannot be listed.
 *
 * <h2>Blobs of a tenant</h2>
 *
 * <pre>
 * &lt;slo id escaped&gt;/index                                   fingerprint, incarnation, groups and their days with data
 * &lt;slo id escaped&gt;/&lt;incarnation&gt;/&lt;group hash&gt;/&lt;epoch day&gt;   one day of one series (format tonari-slo-rollup-day 1)
 * </pre>
 *
 * The SLO id is escaped and the group hashed as in {@link FileRollupStore}. {@link #deleteSlo}
 * moves the SLO to a new incarnation (so no older day blob can ever be read as the new SLO's) and
 * overwrites the old day blobs with empty bytes, since a blob store may have no delete; days
 * pruned or cleared are overwritten empty too and leave the index.
 *
 * <h2>Index, format {@code tonari-slo-rollup-index} version 1</h2>
 *
 * Header, footer and CRC32 as the day format (magic {@code 89 54 52 49}, "\x89TRI"); body: string
 * tenant, string SLO id, i64 incarnation, u32 1 and a string fingerprint or u32 0, u32 group count,
 * then per group: u32 label count, names and values, u32 day count, i64 epoch days ascending.
 *
 * <p><b>Caching.</b> Indexes and days are cached (bounded LRU) only under the tenant's {@link
 * RollupBlobs#ownership} token: while this process owns a tenant nobody else writes its blobs;
 * when it gains the tenant again the token differs and the cache is read afresh; a tenant it does
 * not own is read through. A corrupt blob is logged, counted, read as absent, and drops the SLO's
 * fingerprint so that the engine rebuilds it.
 */
public final class BlobRollupStore implements RollupStore {
  private static final Logger LOG = LoggerFactory.getLogger(BlobRollupStore.class);
  static final byte[] INDEX_MAGIC = {(byte) 0x89, 'T', 'R', 'I'};
  static final String INDEX_FORMAT = "tonari-slo-rollup-index";
  public static final int DEFAULT_CACHED_DAYS = 8000;

  private final RollupBlobs blobs;
  private final int maxCachedDays;
  private final Map<SloRef, Cached<Index>> indexes = new HashMap<>();
  private final LinkedHashMap<DayRef, Cached<DayBlock>> days;
  /** SLOs this store has seen, for {@link #prune} (a blob store cannot be listed). */
  private final Set<SloRef> known = new java.util.HashSet<>();
  private final AtomicLong corruptBlobs = new AtomicLong();
  private boolean closed;

  public BlobRollupStore(RollupBlobs blobs) {
    this(blobs, DEFAULT_CACHED_DAYS);
  }

  public BlobRollupStore(RollupBlobs blobs, int maxCachedDays) {
    if (maxCachedDays < 1) {
      throw new IllegalArgumentException("the rollup cache must hold at least one day, got " + maxCachedDays);
    }
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.maxCachedDays = maxCachedDays;
    this.days = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<DayRef, Cached<DayBlock>> eldest) {
        return size() > BlobRollupStore.this.maxCachedDays;
      }
    };
  }

  /** Blobs found corrupt since this store was opened. */
  public long corruptBlobs() {
    return corruptBlobs.get();
  }

  private record Cached<T>(long token, T value) {}

  private record DayRef(SeriesKey key, long incarnation, long day) {}

  /** What the index blob of one SLO says. Mutable copies only inside a synchronized method. */
  private static final class Index {
    long incarnation;
    String fingerprint;
    final Map<Map<String, String>, TreeSet<Long>> days = new HashMap<>();

    Index copy() {
      Index copy = new Index();
      copy.incarnation = incarnation;
      copy.fingerprint = fingerprint;
      days.forEach((group, set) -> copy.days.put(group, new TreeSet<>(set)));
      return copy;
    }
  }

  @Override
  public synchronized void write(SeriesKey key, MinuteSeries minutes) {
    checkOpen();
    if (minutes.length() == 0) {
      return;
    }
    SloRef ref = SloRef.of(key);
    try {
      writeDays(ref, index(ref), key, minutes);
    } catch (RuntimeException e) {
      // A refused or failed save: what the cache holds may be ahead of the blobs, so read them again next time.
      forgetCached(ref);
      throw e;
    }
  }

  private void writeDays(SloRef ref, Index index, SeriesKey key, MinuteSeries minutes) {
    TreeSet<Long> present = index.days.computeIfAbsent(key.group(), group -> new TreeSet<>());
    boolean indexChanged = false;
    for (long day = DayBlock.dayOf(minutes.startMinute()), last = DayBlock.dayOf(minutes.endMinute() - 1); day <= last; day++) {
      DayBlock old = present.contains(day) ? loadDay(ref, index, key, day) : null;
      DayBlock base = old == null ? DayBlock.empty(day) : old;
      DayBlock updated = base.apply(minutes);
      if (updated == base && old != null) {
        continue;
      }
      if (updated.isEmpty()) {
        if (present.remove(day)) {
          blobs.save(key.tenant(), dayName(key, index.incarnation, day), new byte[0]);
          indexChanged = true;
        }
        cacheDay(key, index.incarnation, day, null);
        continue;
      }
      blobs.save(key.tenant(), dayName(key, index.incarnation, day), FileRollupStore.encodeDay(key, updated));
      cacheDay(key, index.incarnation, day, updated);
      indexChanged |= present.add(day);
    }
    if (present.isEmpty()) {
      index.days.remove(key.group());
    }
    if (indexChanged) {
      saveIndex(ref, index);
    }
  }

  @Override
  public synchronized MinuteSeries read(SeriesKey key, long fromMinute, long toMinute) {
    checkOpen();
    MinuteSeries result = new MinuteSeries(fromMinute, InMemoryRollupStore.checkedLength(fromMinute, toMinute));
    if (toMinute <= fromMinute) {
      return result;
    }
    SloRef ref = SloRef.of(key);
    Index index = index(ref);
    TreeSet<Long> present = index.days.get(key.group());
    if (present == null) {
      return result;
    }
    for (long day : List.copyOf(present.subSet(DayBlock.dayOf(fromMinute), true, DayBlock.dayOf(toMinute - 1), true))) {
      DayBlock block = loadDay(ref, index, key, day);
      if (block != null) {
        block.copyInto(result);
      }
    }
    return result;
  }

  @Override
  public synchronized List<SeriesKey> series(String tenant, String sloId) {
    checkOpen();
    List<SeriesKey> keys = new ArrayList<>();
    index(new SloRef(tenant, sloId)).days.forEach((group, present) -> {
      if (!present.isEmpty()) {
        keys.add(new SeriesKey(tenant, sloId, group));
      }
    });
    return keys;
  }

  @Override
  public synchronized void deleteSlo(String tenant, String sloId) {
    checkOpen();
    SloRef ref = new SloRef(tenant, sloId);
    Index old = index(ref);
    Index next = new Index();
    next.incarnation = old.incarnation + 1;
    // The new incarnation first: should the process stop midway, no old day can be read as the new SLO's.
    saveIndex(ref, next);
    old.days.forEach((group, present) -> {
      SeriesKey key = new SeriesKey(tenant, sloId, group);
      for (long day : present) {
        blobs.save(tenant, dayName(key, old.incarnation, day), new byte[0]);
      }
    });
    forgetCached(ref);
  }

  @Override
  public synchronized Optional<String> fingerprint(String tenant, String sloId) {
    checkOpen();
    return Optional.ofNullable(index(new SloRef(tenant, sloId)).fingerprint);
  }

  @Override
  public synchronized void setFingerprint(String tenant, String sloId, String fingerprint) {
    checkOpen();
    Objects.requireNonNull(fingerprint, "fingerprint");
    SloRef ref = new SloRef(tenant, sloId);
    Index index = index(ref).copy();
    index.fingerprint = fingerprint;
    saveIndex(ref, index);
  }

  /** Prunes the SLOs this store has seen of the tenants this process owns (the others are their owners' to prune). */
  @Override
  public synchronized void prune(long beforeMinute) {
    checkOpen();
    long boundaryDay = DayBlock.dayOf(beforeMinute);
    for (SloRef ref : List.copyOf(known)) {
      if (blobs.ownership(ref.tenant()).isEmpty()) {
        continue;
      }
      try {
        pruneSlo(ref, index(ref).copy(), boundaryDay, beforeMinute);
      } catch (RuntimeException e) {
        forgetCached(ref);
        throw e;
      }
    }
  }

  private void pruneSlo(SloRef ref, Index index, long boundaryDay, long beforeMinute) {
    boolean changed = false;
    {
      for (Map.Entry<Map<String, String>, TreeSet<Long>> entry : index.days.entrySet()) {
        SeriesKey key = new SeriesKey(ref.tenant(), ref.sloId(), entry.getKey());
        NavigableSet<Long> old = entry.getValue().headSet(boundaryDay, false);
        for (long day : List.copyOf(old)) {
          blobs.save(ref.tenant(), dayName(key, index.incarnation, day), new byte[0]);
          cacheDay(key, index.incarnation, day, null);
          changed = true;
        }
        old.clear();
        if (entry.getValue().contains(boundaryDay)) {
          DayBlock block = loadDay(ref, index, key, boundaryDay);
          if (block != null) {
            DayBlock pruned = block.clearBefore(beforeMinute);
            if (pruned.isEmpty()) {
              blobs.save(ref.tenant(), dayName(key, index.incarnation, boundaryDay), new byte[0]);
              entry.getValue().remove(boundaryDay);
              cacheDay(key, index.incarnation, boundaryDay, null);
              changed = true;
            } else if (pruned != block) {
              blobs.save(ref.tenant(), dayName(key, index.incarnation, boundaryDay), FileRollupStore.encodeDay(key, pruned));
              cacheDay(key, index.incarnation, boundaryDay, pruned);
            }
          }
        }
      }
      changed |= index.days.values().removeIf(TreeSet::isEmpty);
      if (changed) {
        saveIndex(ref, index);
      }
    }
  }

  private void forgetCached(SloRef ref) {
    indexes.remove(ref);
    days.keySet().removeIf(dayRef -> SloRef.of(dayRef.key()).equals(ref));
  }

  @Override
  public synchronized void close() {
    closed = true;
    indexes.clear();
    days.clear();
  }

  // ---- index and days

  private Index index(SloRef ref) {
    known.add(ref);
    OptionalLong token = blobs.ownership(ref.tenant());
    Cached<Index> cached = indexes.get(ref);
    if (token.isPresent() && cached != null && cached.token() == token.getAsLong()) {
      return cached.value();
    }
    Index index = readIndex(ref);
    if (token.isPresent()) {
      indexes.put(ref, new Cached<>(token.getAsLong(), index));
    } else {
      indexes.remove(ref);
    }
    return index;
  }

  private Index readIndex(SloRef ref) {
    Optional<byte[]> content = blobs.load(ref.tenant(), indexName(ref));
    if (content.isEmpty() || content.get().length == 0) {
      return new Index();
    }
    try {
      return decodeIndex(ref, content.get());
    } catch (CorruptFileException e) {
      corruptBlobs.incrementAndGet();
      LOG.error("rollup index {} of tenant {} is corrupt: {}; the SLO is rebuilt", indexName(ref), ref.tenant(), e.getMessage());
      // A new incarnation: the days of the unreadable index are never read again, and the missing fingerprint makes the engine rebuild.
      Index fresh = new Index();
      fresh.incarnation = System.nanoTime() & Long.MAX_VALUE;
      return fresh;
    }
  }

  private void saveIndex(SloRef ref, Index index) {
    blobs.save(ref.tenant(), indexName(ref), encodeIndex(ref, index));
    OptionalLong token = blobs.ownership(ref.tenant());
    if (token.isPresent()) {
      indexes.put(ref, new Cached<>(token.getAsLong(), index));
    } else {
      indexes.remove(ref);
    }
  }

  private DayBlock loadDay(SloRef ref, Index index, SeriesKey key, long day) {
    OptionalLong token = blobs.ownership(key.tenant());
    DayRef dayRef = new DayRef(key, index.incarnation, day);
    Cached<DayBlock> cached = days.get(dayRef);
    if (token.isPresent() && cached != null && cached.token() == token.getAsLong()) {
      return cached.value();
    }
    String name = dayName(key, index.incarnation, day);
    Optional<byte[]> content = blobs.load(key.tenant(), name);
    DayBlock block = null;
    if (content.isPresent() && content.get().length > 0) {
      try {
        FileRollupStore.DecodedDay decoded = FileRollupStore.decodeDay(content.get());
        if (!decoded.key().equals(key) || decoded.block().epochDay() != day) {
          throw new CorruptFileException("holds " + decoded.key() + " day " + decoded.block().epochDay() + ", not " + key + " day " + day);
        }
        block = decoded.block();
      } catch (CorruptFileException e) {
        corruptBlobs.incrementAndGet();
        LOG.error("rollup blob {} of tenant {} is corrupt: {}; its minutes read as no data and the SLO is rebuilt", name, key.tenant(), e.getMessage());
        if (token.isPresent() && index.fingerprint != null) {
          index.fingerprint = null;
          saveIndex(ref, index);
        }
      }
    }
    if (token.isPresent()) {
      days.put(dayRef, new Cached<>(token.getAsLong(), block));
    }
    return block;
  }

  private void cacheDay(SeriesKey key, long incarnation, long day, DayBlock block) {
    OptionalLong token = blobs.ownership(key.tenant());
    DayRef dayRef = new DayRef(key, incarnation, day);
    if (token.isPresent()) {
      days.put(dayRef, new Cached<>(token.getAsLong(), block));
    } else {
      days.remove(dayRef);
    }
  }

  static String indexName(SloRef ref) {
    return FileRollupStore.escapeName(ref.sloId()) + "/index";
  }

  static String dayName(SeriesKey key, long incarnation, long day) {
    return FileRollupStore.escapeName(key.sloId()) + "/" + incarnation + "/" + FileRollupStore.groupHash(key.group()) + "/" + day;
  }

  static byte[] encodeIndex(SloRef ref, Index index) {
    ByteWriter out = new ByteWriter();
    out.header(INDEX_MAGIC, INDEX_FORMAT);
    out.string(ref.tenant());
    out.string(ref.sloId());
    out.i64(index.incarnation);
    if (index.fingerprint == null) {
      out.u32(0);
    } else {
      out.u32(1);
      out.string(index.fingerprint);
    }
    Map<String, Map<String, String>> sorted = new TreeMap<>();
    index.days.forEach((group, present) -> {
      if (!present.isEmpty()) {
        sorted.put(FileRollupStore.groupHash(group), group);
      }
    });
    out.u32(sorted.size());
    for (Map<String, String> group : sorted.values()) {
      out.u32(group.size());
      for (Map.Entry<String, String> label : new TreeMap<>(group).entrySet()) {
        out.string(label.getKey());
        out.string(label.getValue());
      }
      TreeSet<Long> present = index.days.get(group);
      out.u32(present.size());
      for (long day : present) {
        out.i64(day);
      }
    }
    return out.finish();
  }

  private static Index decodeIndex(SloRef ref, byte[] content) throws CorruptFileException {
    ByteBuffer buffer = FileRollupStore.checkedBody(content, INDEX_MAGIC, INDEX_FORMAT);
    try {
      String tenant = FileRollupStore.readString(buffer);
      String sloId = FileRollupStore.readString(buffer);
      if (!tenant.equals(ref.tenant()) || !sloId.equals(ref.sloId())) {
        throw new CorruptFileException("holds tenant " + tenant + " SLO " + sloId);
      }
      Index index = new Index();
      index.incarnation = buffer.getLong();
      int hasFingerprint = buffer.getInt();
      if (hasFingerprint == 1) {
        index.fingerprint = FileRollupStore.readString(buffer);
      } else if (hasFingerprint != 0) {
        throw new CorruptFileException("fingerprint flag " + hasFingerprint + ", expected 0 or 1");
      }
      long groups = Integer.toUnsignedLong(buffer.getInt());
      for (long g = 0; g < groups; g++) {
        long labels = Integer.toUnsignedLong(buffer.getInt());
        if (labels > buffer.remaining() / 8) {
          throw new CorruptFileException("label count " + labels + " exceeds the blob");
        }
        Map<String, String> group = new TreeMap<>();
        for (long l = 0; l < labels; l++) {
          String name = FileRollupStore.readString(buffer);
          group.put(name, FileRollupStore.readString(buffer));
        }
        long count = Integer.toUnsignedLong(buffer.getInt());
        if (count > buffer.remaining() / 8) {
          throw new CorruptFileException("day count " + count + " exceeds the blob");
        }
        TreeSet<Long> present = new TreeSet<>();
        for (long d = 0; d < count; d++) {
          present.add(buffer.getLong());
        }
        index.days.put(java.util.Collections.unmodifiableMap(group), present);
      }
      if (buffer.hasRemaining()) {
        throw new CorruptFileException(buffer.remaining() + " bytes after the last group");
      }
      return index;
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException("ends inside a record");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the rollup store over " + blobs + " is closed");
    }
  }
}
