package dev.tonari.slo.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SLO evaluation progress in one JSON file, {@code {"<tenant>/<slo id>": <first minute not
 * evaluated>, ...}}, replaced atomically on every save: the single-node default. The file is read
 * once, when the store opens; an unreadable file is logged and treated as empty.
 */
public final class FileSloProgressStore implements SloProgressStore {
  private static final Logger log = LoggerFactory.getLogger(FileSloProgressStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  /** The file's content, by tenant and SLO id. */
  private final Map<String, Map<String, Long>> byTenant = new TreeMap<>();

  public FileSloProgressStore(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        JSON.readTree(file.toFile()).properties().forEach(entry -> {
          String key = entry.getKey();
          int slash = key.indexOf('/');
          if (slash > 0) {
            byTenant.computeIfAbsent(key.substring(0, slash), tenant -> new TreeMap<>()).put(key.substring(slash + 1), entry.getValue().asLong());
          }
        });
      } catch (IOException e) {
        log.warn("cannot read SLO evaluation progress {}: {}; SLOs re-evaluate their history window", file, e.getMessage());
      }
    }
  }

  @Override
  public synchronized Map<String, Long> load(String tenant) {
    return Map.copyOf(byTenant.getOrDefault(tenant, Map.of()));
  }

  @Override
  public synchronized void save(Map<String, Map<String, Long>> changed) throws IOException {
    changed.forEach((tenant, progress) -> {
      if (progress.isEmpty()) {
        byTenant.remove(tenant);
      } else {
        byTenant.put(tenant, new TreeMap<>(progress));
      }
    });
    ObjectNode node = JSON.createObjectNode();
    Map<String, Long> flat = new TreeMap<>();
    byTenant.forEach((tenant, progress) -> progress.forEach((id, minute) -> flat.put(tenant + "/" + id, minute)));
    flat.forEach(node::put);
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, JSON.writeValueAsBytes(node));
  }

  @Override
  public String toString() {
    return "SLO progress file " + file;
  }
}
