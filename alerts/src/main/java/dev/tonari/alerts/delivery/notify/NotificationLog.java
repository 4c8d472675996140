package dev.tonari.alerts.delivery.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.ChecksummedFile;
import dev.tonari.alerts.delivery.Rfc3339;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each receiver was last told about each group, like Alertmanager's nflog: the fingerprints
 * of the firing and of the resolved alerts of the last notification, and when. The notifier
 * compares a group's alerts with it to decide whether to notify; kept on disk so that a restart
 * neither notifies again what was notified nor forgets what was.
 *
 * <p>One file per tenant, {@code <directory>/<tenant>.nflog}: a {@link ChecksummedFile} named
 * {@code TNNFLOG1}, version 1, whose payload is a JSON array of {@code {"receiver", "groupKey",
 * "firing": [fingerprint...], "resolved": [...], "timestamp": RFC 3339}}. Entries older than
 * {@link #RETENTION} are forgotten (as Alertmanager's nflog retention).
 */
public final class NotificationLog {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationLog.class);
  public static final String FORMAT = "TNNFLOG1";
  public static final int VERSION = 1;
  public static final Duration RETENTION = Duration.ofHours(120);
  private static final String SUFFIX = ".nflog";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last notification of a group to a receiver integration. */
  public record Entry(Set<String> firing, Set<String> resolved, Instant timestamp) {
    public Entry {
      firing = Set.copyOf(firing);
      resolved = Set.copyOf(resolved);
    }

    /** Alertmanager's {@code IsFiringSubset}: every alert firing now was already notified as firing. */
    boolean firingIncludes(Set<String> current) {
      return firing.containsAll(current);
    }

    boolean resolvedIncludes(Set<String> current) {
      return resolved.containsAll(current);
    }
  }

  private record Key(String receiver, String groupKey) {}

  private final Path directory;
  private final Map<String, Map<Key, Entry>> byTenant = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();

  /** Loads every tenant's log; a damaged file is set aside (logged) rather than trusted. */
  public NotificationLog(Path directory) throws IOException {
    this.directory = directory;
    Files.createDirectories(directory);
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).toList()) {
        String name = file.getFileName().toString();
        String tenant = name.substring(0, name.length() - SUFFIX.length());
        try {
          byTenant.put(tenant, read(file));
        } catch (IOException | RuntimeException e) {
          Path aside = file.resolveSibling(name + ".damaged");
          LOG.error("notification log of tenant {} at {} is unreadable; moved to {} and starting empty (groups may be notified again)", tenant, file, aside, e);
          Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  public synchronized Optional<Entry> get(String tenant, String receiver, String groupKey) {
    return Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(new Key(receiver, groupKey)));
  }

  public synchronized void put(String tenant, String receiver, String groupKey, Entry entry) {
    byTenant.computeIfAbsent(tenant, t -> new HashMap<>()).put(new Key(receiver, groupKey), entry);
    dirty.add(tenant);
  }

  /** Records an entry unless the log already has a newer one (replaying the outbox at start). */
  public synchronized void putIfNewer(String tenant, String receiver, String groupKey, Entry entry) {
    Entry existing = get(tenant, receiver, groupKey).orElse(null);
    if (existing == null || existing.timestamp().isBefore(entry.timestamp())) {
      put(tenant, receiver, groupKey, entry);
    }
  }

  /** Writes the tenants changed since the last call, dropping entries past retention. */
  public synchronized void persist(Instant now) throws IOException {
    for (String tenant : Set.copyOf(dirty)) {
      Map<Key, Entry> entries = byTenant.get(tenant);
      entries.values().removeIf(entry -> entry.timestamp().plus(RETENTION).isBefore(now));
      ArrayNode array = JSON.createArrayNode();
      for (Map.Entry<Key, Entry> item : entries.entrySet()) {
        ObjectNode node = array.addObject();
        node.put("receiver", item.getKey().receiver());
        node.put("groupKey", item.getKey().groupKey());
        item.getValue().firing().stream().sorted().forEach(node.putArray("firing")::add);
        item.getValue().resolved().stream().sorted().forEach(node.putArray("resolved")::add);
        node.put("timestamp", Rfc3339.format(item.getValue().timestamp()));
      }
      ChecksummedFile.write(directory.resolve(tenant + SUFFIX), FORMAT, VERSION, array.toString().getBytes(StandardCharsets.UTF_8));
      dirty.remove(tenant);
    }
  }

  private static Map<Key, Entry> read(Path file) throws IOException {
    JsonNode array = JSON.readTree(ChecksummedFile.read(file, FORMAT, VERSION));
    if (array == null || !array.isArray()) {
      throw new ChecksummedFile.DamagedFileException(file, "payload is not a JSON array");
    }
    Map<Key, Entry> entries = new HashMap<>();
    for (JsonNode node : array) {
      entries.put(new Key(node.path("receiver").asText(), node.path("groupKey").asText()),
          new Entry(strings(node.path("firing")), strings(node.path("resolved")), Rfc3339.parse(node.path("timestamp").asText())));
    }
    return entries;
  }

  static Set<String> strings(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
