package dev.tonari.store.engine;

import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.object.RangeCache;
import dev.tonari.store.part.CorruptPartException;
import dev.tonari.store.part.PartBytes;
import dev.tonari.store.part.PartReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parts in a remote object store (S3): publishing with a commit object, the catalogue of committed
 * parts, deletion, and the sweep of orphans. A part is visible exactly when its commit ({@link
 * PartCommit}) exists: the part object is uploaded first, then the commit with a conditional put,
 * so a crash between the two leaves an orphan part that no reader sees and the sweeper deletes;
 * deleting removes the commit first, so a crash there leaves an orphan too, never a commit without
 * its part. Blocks are read through the {@link RangeCache}.
 */
final class RemoteParts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteParts.class);

  private final ObjectStore objectStore;
  private final RangeCache cache;
  private final boolean readOnly;
  final LongAdder orphansDeleted = new LongAdder();
  final LongAdder commitsWritten = new LongAdder();

  RemoteParts(ObjectStore objectStore, Path cacheDirectory, long cacheBytes, boolean readOnly) throws IOException {
    this.objectStore = objectStore;
    this.cache = new RangeCache(cacheDirectory, cacheBytes, objectStore::getRange);
    this.readOnly = readOnly;
  }

  RangeCache cache() {
    return cache;
  }

  /**
   * Uploads the part file under the key, commits it, and opens a reader that fetches blocks on
   * demand. When the commit fails the part object is deleted again (or left to the sweeper).
   */
  PartReader publish(String key, Path file) throws IOException {
    byte[] commit;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      PartReader local = PartReader.open(key, mapped);
      commit = PartCommit.of(key, PartBytes.of(mapped), local.indexRanges()).encode();
    }
    objectStore.put(key, file);
    String commitKey = PartCommit.keyOf(key);
    try {
      if (!objectStore.putIfAbsent(commitKey, commit) && !sameContent(commitKey, commit)) {
        throw new IOException("commit " + commitKey + " exists already with other content: is another writer using this bucket and prefix?"
            + " Run the second server read-only");
      }
    } catch (IOException | RuntimeException e) {
      deleteAfterFailedCommit(key, e);
      throw e;
    }
    commitsWritten.increment();
    PartCommit decoded = PartCommit.decode(commitKey, ByteBuffer.wrap(commit));
    return PartReader.open(key, new RemotePartBytes(key, decoded, cache));
  }

  /** A conditional put that "failed" after a retry may have been our own first attempt succeeding. */
  private boolean sameContent(String commitKey, byte[] commit) throws IOException {
    ByteBuffer existing = objectStore.get(commitKey);
    byte[] bytes = new byte[existing.remaining()];
    existing.get(bytes);
    return Arrays.equals(bytes, commit);
  }

  private void deleteAfterFailedCommit(String key, Exception failure) {
    try {
      objectStore.delete(key);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
      log.warn("could not delete part {} after its commit failed; the orphan sweep will", key, e);
    }
  }

  /** Takes a part out of the catalogue (its commit) and then deletes its object. */
  void delete(String partKey) throws IOException {
    objectStore.delete(PartCommit.keyOf(partKey));
    objectStore.delete(partKey);
  }

  /** What a listing of the store found. */
  record Catalogue(Map<String, PartHandle> opened, Map<String, CorruptPartException> corrupt, long maxSequence) {}

  /**
   * Lists the store and opens every committed part whose key is not in {@code known} (those are
   * open already), reading the commits in parallel. Parts without a commit are orphans: a writer
   * deletes them when {@code sweep} is set (only when nothing is being published); a commit
   * whose part is missing, or that fails its checks, is reported as corrupt.
   */
  Catalogue load(Set<String> known, boolean sweep) throws IOException {
    Map<String, Long> partSizes = new TreeMap<>();
    List<String> commitKeys = new ArrayList<>();
    long maxSequence = 0;
    for (ObjectInfo info : objectStore.list("")) {
      Object[] part = PartHandle.parse(info.key());
      if (part != null) {
        partSizes.put(info.key(), info.size());
        maxSequence = Math.max(maxSequence, (Long) part[2]);
      } else {
        String partKey = PartCommit.partKeyOf(info.key());
        if (partKey != null) {
          commitKeys.add(info.key());
          maxSequence = Math.max(maxSequence, (Long) PartHandle.parse(partKey)[2]);
        }
      }
    }
    Map<String, CorruptPartException> corrupt = new LinkedHashMap<>();
    Set<String> committed = new java.util.HashSet<>();
    List<String> toOpen = new ArrayList<>();
    for (String commitKey : commitKeys) {
      String partKey = PartCommit.partKeyOf(commitKey);
      committed.add(partKey);
      if (known.contains(partKey)) {
        continue;
      }
      if (!partSizes.containsKey(partKey)) {
        corrupt.put(partKey, new CorruptPartException(commitKey, "commit names part " + partKey + ", which is not in the store"));
        continue;
      }
      toOpen.add(partKey);
    }
    ParallelPartOpener.Result result = ParallelPartOpener.open(toOpen, partKey -> openCommitted(PartCommit.keyOf(partKey), partKey, partSizes.get(partKey)));
    corrupt.putAll(result.corrupt());
    for (String vanished : result.missing().keySet()) {
      // Deleted between the listing and the read (a merge of the writer): not there any more.
      log.debug("committed part {} vanished while opening", vanished);
    }
    Map<String, PartHandle> opened = result.opened();
    if (sweep && !readOnly) {
      for (String partKey : partSizes.keySet()) {
        if (!committed.contains(partKey)) {
          log.info("deleting orphan part {}: uploaded, but no commit names it (a crash or failed commit)", partKey);
          objectStore.delete(partKey);
          orphansDeleted.increment();
        }
      }
    }
    return new Catalogue(opened, corrupt, maxSequence);
  }

  private PartHandle openCommitted(String commitKey, String partKey, long listedSize) throws IOException {
    PartCommit commit = PartCommit.decode(commitKey, objectStore.get(commitKey));
    if (!commit.partKey().equals(partKey)) {
      throw new CorruptPartException(commitKey, "commit names part " + commit.partKey() + ", not " + partKey);
    }
    if (commit.partSize() != listedSize) {
      throw new CorruptPartException(partKey, "part is " + listedSize + " bytes in the store but its commit says " + commit.partSize());
    }
    Object[] parsed = PartHandle.parse(partKey);
    PartReader reader = PartReader.open(partKey, new RemotePartBytes(partKey, commit, cache));
    return new PartHandle(partKey, (String) parsed[0], (Integer) parsed[1], (Long) parsed[2], reader, reader.summary(), reader.streams());
  }

  /**
   * Opens a part named by a {@link PartCatalogue} through its commit, without listing the bucket;
   * the commit's part size is trusted (the catalogue registered the part after its commit).
   *
   * @throws NoSuchFileException when the part has no commit
   */
  PartHandle openByCommit(String partKey) throws IOException {
    String commitKey = PartCommit.keyOf(partKey);
    PartCommit commit = PartCommit.decode(commitKey, objectStore.get(commitKey));
    if (!commit.partKey().equals(partKey)) {
      throw new CorruptPartException(commitKey, "commit names part " + commit.partKey() + ", not " + partKey);
    }
    Object[] parsed = PartHandle.parse(partKey);
    PartReader reader = PartReader.open(partKey, new RemotePartBytes(partKey, commit, cache));
    return new PartHandle(partKey, (String) parsed[0], (Integer) parsed[1], (Long) parsed[2], reader, reader.summary(), reader.streams());
  }

  /** Part keys with a commit, by listing the commits only (a read-only store's refresh). */
  Set<String> committedKeys() throws IOException {
    Map<String, Boolean> keys = new HashMap<>();
    for (ObjectInfo info : objectStore.list("")) {
      String partKey = PartCommit.partKeyOf(info.key());
      if (partKey != null) {
        keys.put(partKey, true);
      }
    }
    return keys.keySet();
  }

  @Override
  public void close() {
    cache.close();
  }
}
