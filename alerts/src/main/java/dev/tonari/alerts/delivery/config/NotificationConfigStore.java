package dev.tonari.alerts.delivery.config;

import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' notification configs, one file per tenant: {@code <directory>/<tenant>.yaml}.
 * {@link #reload} reads the files that changed (by content, not time), and swaps a valid one in;
 * an invalid edit never takes effect: the tenant keeps its last good config and the problems are
 * logged and kept for {@link #problems()} until the file is fixed. A deleted file removes the
 * tenant's config. Readers call {@link #forTenant}, a map read.
 */
public final class NotificationConfigStore {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationConfigStore.class);
  public static final String SUFFIX = ".yaml";

  private final Path directory;
  private final Map<String, NotificationConfig> configs = new ConcurrentHashMap<>();
  private final Map<String, List<ConfigProblem>> problems = new ConcurrentHashMap<>();
  private final Map<String, byte[]> lastContent = new HashMap<>();

  public NotificationConfigStore(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public Optional<NotificationConfig> forTenant(String tenant) {
    return Optional.ofNullable(configs.get(tenant));
  }

  /** The problems of each tenant whose current file is invalid (its last good config still applies). */
  public Map<String, List<ConfigProblem>> problems() {
    return new TreeMap<>(problems);
  }

  /**
   * Reads the changed files now; what a poller calls every few seconds, and tests call directly.
   *
   * @return the tenants whose config was swapped in or removed
   */
  public synchronized List<String> reload() {
    List<String> changed = new ArrayList<>();
    Map<String, Path> files = new TreeMap<>();
    if (Files.isDirectory(directory)) {
      try (Stream<Path> listing = Files.list(directory)) {
        listing.filter(path -> path.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(path))
            .forEach(path -> files.put(tenantOf(path), path));
      } catch (IOException e) {
        LOG.error("notification configs: cannot list {}; keeping the configs in effect", directory, e);
        return changed;
      }
    }
    for (String tenant : List.copyOf(lastContent.keySet())) {
      if (!files.containsKey(tenant)) {
        lastContent.remove(tenant);
        problems.remove(tenant);
        if (configs.remove(tenant) != null) {
          changed.add(tenant);
          LOG.info("notification config of tenant {} removed (file deleted)", tenant);
        }
      }
    }
    files.forEach((tenant, path) -> {
      byte[] content;
      try {
        content = Files.readAllBytes(path);
      } catch (IOException e) {
        LOG.error("notification config of tenant {}: cannot read {}; keeping the last good config", tenant, path, e);
        return;
      }
      if (Arrays.equals(content, lastContent.get(tenant))) {
        return;
      }
      lastContent.put(tenant, content);
      try {
        configs.put(tenant, load(tenant, path.toString(), content));
        problems.remove(tenant);
        changed.add(tenant);
        LOG.info("notification config of tenant {} loaded from {}", tenant, path);
      } catch (NotificationConfigException e) {
        problems.put(tenant, e.problems());
        LOG.error("notification config of tenant {} is invalid; {}:\n{}", tenant,
            configs.containsKey(tenant) ? "keeping the last good config" : "no config in effect", e.getMessage());
      }
    });
    return changed;
  }

  /** Parses one tenant's file content, checking the tenant name and the encoding too. */
  public static NotificationConfig load(String tenant, String file, byte[] content) throws NotificationConfigException {
    Optional<String> badTenant = TenantIds.problem(tenant);
    if (badTenant.isPresent()) {
      throw new NotificationConfigException(List.of(new ConfigProblem(file, 1, 1, "the file name must be <tenant>" + SUFFIX + ": " + badTenant.get())));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      throw new NotificationConfigException(List.of(new ConfigProblem(file, 1, 1, "not UTF-8 text: " + e.getMessage())));
    }
    return NotificationConfigParser.parse(file, text);
  }

  public static String tenantOf(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - SUFFIX.length());
  }
}
