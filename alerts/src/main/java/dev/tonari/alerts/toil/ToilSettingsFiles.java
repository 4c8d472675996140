package dev.tonari.alerts.toil;

import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each team's toil settings from {@code <notifications dir>/<tenant>.yaml} (or {@code .yml}),
 * re-read when the file changes (its modification time or size). A team without a file, or
 * without a {@code toil} section, gets {@link ToilSettings#defaults()}; so does a team whose section
 * is invalid, with the problems logged once per change and handed to the report, so that the
 * report says why it uses the defaults.
 */
public final class ToilSettingsFiles {
  private static final Logger log = LoggerFactory.getLogger(ToilSettingsFiles.class);

  private final Optional<Path> directory;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** @param directory the notifications directory, or empty: every team then gets the defaults */
  public ToilSettingsFiles(Optional<Path> directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /**
   * A team's settings and, when its section could not be used, why.
   *
   * @param problems empty when {@code settings} are the file's (or the defaults, for no file)
   */
  public record Loaded(ToilSettings settings, List<ConfigProblem> problems) {
    public Loaded {
      Objects.requireNonNull(settings, "settings");
      problems = List.copyOf(problems);
    }
  }

  private record Cached(Path file, FileTime modified, long size, Loaded loaded) {}

  public Loaded settingsFor(String tenant) {
    if (directory.isEmpty() || !TenantIds.isValid(tenant)) {
      return new Loaded(ToilSettings.defaults(), List.of());
    }
    Path file = directory.get().resolve(tenant + ".yaml");
    if (!Files.exists(file) && Files.exists(directory.get().resolve(tenant + ".yml"))) {
      file = directory.get().resolve(tenant + ".yml");
    }
    FileTime modified;
    long size;
    try {
      modified = Files.getLastModifiedTime(file);
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      cache.remove(tenant);
      return new Loaded(ToilSettings.defaults(), List.of());
    } catch (IOException e) {
      return failed(tenant, file, "cannot read the file: " + e);
    }
    Cached cached = cache.get(tenant);
    if (cached != null && cached.file().equals(file) && cached.modified().equals(modified) && cached.size() == size) {
      return cached.loaded();
    }
    Loaded loaded;
    try {
      String text = Files.readString(file);
      loaded = switch (ToilSettingsParser.parseFile(text, file.toString())) {
        case ToilSettingsParser.Result.Valid valid -> new Loaded(valid.settings(), List.of());
        case ToilSettingsParser.Result.Invalid invalid -> {
          invalid.problems().forEach(problem -> log.warn("toil settings of tenant {}: {}; using the defaults", tenant, problem.format()));
          yield new Loaded(ToilSettings.defaults(), invalid.problems());
        }
      };
    } catch (CharacterCodingException e) {
      return failed(tenant, file, "file is not UTF-8 text");
    } catch (IOException e) {
      return failed(tenant, file, "cannot read the file: " + e);
    }
    cache.put(tenant, new Cached(file, modified, size, loaded));
    return loaded;
  }

  private static Loaded failed(String tenant, Path file, String message) {
    ConfigProblem problem = new ConfigProblem(file.toString(), 1, 1, message);
    log.warn("toil settings of tenant {}: {}; using the defaults", tenant, problem.format());
    return new Loaded(ToilSettings.defaults(), List.of(problem));
  }
}
