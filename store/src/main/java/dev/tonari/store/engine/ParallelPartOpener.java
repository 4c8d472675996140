package dev.tonari.store.engine;

import dev.tonari.store.part.CorruptPartException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Opens many parts in parallel, a bounded number at once, sorting out the keys the object store
 * does not hold and the parts that fail their checks from the ones opened. Both ways a store
 * learns its parts use it: the names a {@link PartCatalogue} gives, and the commits a listing of a
 * remote store finds. Either may name thousands of parts, and opening one is a small,
 * latency-bound read, so a fresh server waits for one round trip per few parts, not per part.
 */
final class ParallelPartOpener {
  /** Parts opened at once. */
  static final int PARALLEL_OPENS = 16;

  @FunctionalInterface
  interface Opener {
    /** Opens one part; NoSuchFileException when its object (or commit) is not in the store. */
    PartHandle open(String partKey) throws IOException;
  }

  /** What opening found: opened parts, keys with no object, and parts that failed their checks. */
  record Result(Map<String, PartHandle> opened, Map<String, NoSuchFileException> missing, Map<String, CorruptPartException> corrupt) {}

  private ParallelPartOpener() {}

  static Result open(Collection<String> partKeys, Opener opener) throws IOException {
    Map<String, PartHandle> opened = new LinkedHashMap<>();
    Map<String, NoSuchFileException> missing = new LinkedHashMap<>();
    Map<String, CorruptPartException> corrupt = new LinkedHashMap<>();
    Map<String, Future<PartHandle>> pending = new LinkedHashMap<>();
    Semaphore permits = new Semaphore(PARALLEL_OPENS);
    try (ExecutorService openers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String key : partKeys) {
        if (PartHandle.parse(key) == null) {
          corrupt.put(key, new CorruptPartException(key, key + " is not a part key (<tenant>/parts/<level>-<sequence>.part)"));
          continue;
        }
        pending.put(
            key,
            openers.submit(
                () -> {
                  permits.acquire();
                  try {
                    return opener.open(key);
                  } finally {
                    permits.release();
                  }
                }));
      }
      for (Map.Entry<String, Future<PartHandle>> p : pending.entrySet()) {
        try {
          opened.put(p.getKey(), p.getValue().get());
        } catch (ExecutionException e) {
          switch (e.getCause()) {
            case NoSuchFileException gone -> missing.put(p.getKey(), gone);
            case CorruptPartException c -> corrupt.put(p.getKey(), c);
            case IOException io -> throw new IOException("opening part " + p.getKey() + " failed: " + io.getMessage(), io);
            default -> throw new IOException("opening part " + p.getKey() + " failed", e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while opening catalogued part " + p.getKey());
        }
      }
    }
    return new Result(opened, missing, corrupt);
  }
}
