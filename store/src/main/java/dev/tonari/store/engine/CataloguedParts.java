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
 * Opens the parts a {@link PartCatalogue} names, in parallel (a querier opening a big catalogue
 * waits for one round trip per few parts, not per part), sorting out the keys the object store
 * does not hold and the parts that fail their checks from the ones opened.
 */
final class CataloguedParts {
  /** Parts opened at once: the commit reads of a remote store are small, latency-bound GETs. */
  private static final int PARALLEL_OPENS = 16;

  @FunctionalInterface
  interface Opener {
    /** Opens one part; NoSuchFileException when its object (or commit) is not in the store. */
    PartHandle open(String partKey) throws IOException;
  }

  /** What opening found: opened parts, keys with no object, and parts that failed their checks. */
  record Result(Map<String, PartHandle> opened, Map<String, NoSuchFileException> missing, Map<String, CorruptPartException> corrupt) {}

  private CataloguedParts() {}

  static Result open(Collection<String> partKeys, Opener opener) throws IOException {
    Map<String, PartHandle> opened = new LinkedHashMap<>();
    Map<String, NoSuchFileException> missing = new LinkedHashMap<>();
    Map<String, CorruptPartException> corrupt = new LinkedHashMap<>();
    Map<String, Future<PartHandle>> pending = new LinkedHashMap<>();
    Semaphore permits = new Semaphore(PARALLEL_OPENS);
    try (ExecutorService openers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String key : partKeys) {
        if (PartHandle.parse(key) == null) {
          corrupt.put(key, new CorruptPartException(key, "the catalogue names " + key + ", which is not a part key (<tenant>/parts/<level>-<sequence>.part)"));
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
            case IOException io -> throw new IOException("opening catalogued part " + p.getKey() + " failed: " + io.getMessage(), io);
            default -> throw new IOException("opening catalogued part " + p.getKey() + " failed", e.getCause());
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
