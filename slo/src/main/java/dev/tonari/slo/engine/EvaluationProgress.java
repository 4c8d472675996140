package dev.tonari.slo.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each SLO has been evaluated (the first epoch minute not yet evaluated), kept in {@code
 * <data_dir>/slo/progress.json} so that a restart evaluates exactly the minutes it missed, also
 * the ones the rollups hold nothing for (minutes with no events leave no trace there). Written
 * atomically after every evaluation round; a lost or unreadable file only costs a re-evaluation
 * of the last history window, never a wrong figure.
 */
final class EvaluationProgress {
  private static final Logger log = LoggerFactory.getLogger(EvaluationProgress.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Long> evaluatedThrough = new ConcurrentHashMap<>();
  private volatile boolean dirty;

  EvaluationProgress(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        JSON.readTree(file.toFile()).properties().forEach(entry -> evaluatedThrough.put(entry.getKey(), entry.getValue().asLong()));
      } catch (IOException e) {
        log.warn("cannot read SLO evaluation progress {}: {}; SLOs re-evaluate their history window", file, e.getMessage());
      }
    }
  }

  private static String key(String tenant, String id) {
    return tenant + "/" + id;
  }

  /** The first minute not evaluated yet, or -1 when unknown. */
  long evaluatedThrough(String tenant, String id) {
    return evaluatedThrough.getOrDefault(key(tenant, id), -1L);
  }

  void set(String tenant, String id, long minute) {
    evaluatedThrough.put(key(tenant, id), minute);
    dirty = true;
  }

  void forget(String tenant, String id) {
    if (evaluatedThrough.remove(key(tenant, id)) != null) {
      dirty = true;
    }
  }

  /** Writes the file when something changed since the last save. */
  synchronized void save() {
    if (!dirty) {
      return;
    }
    dirty = false;
    ObjectNode node = JSON.createObjectNode();
    new java.util.TreeMap<>(evaluatedThrough).forEach(node::put);
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, JSON.writeValueAsBytes(node));
    } catch (IOException e) {
      dirty = true;
      log.warn("cannot write SLO evaluation progress {}: {}", file, e.getMessage());
    }
  }
}
