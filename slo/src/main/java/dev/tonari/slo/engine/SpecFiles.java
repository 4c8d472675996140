package dev.tonari.slo.engine;

import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SLO directory ({@code slo.dir}, {@code <dir>/<tenant>/*.yaml}): loads it, and tells cheaply
 * whether anything in it changed since the last load (names, sizes and modification times), so
 * the reload check every few seconds reads no file content.
 */
final class SpecFiles {
  private final Optional<Path> directory;
  private volatile String signature = "";

  /** The specs per tenant, or every problem (then nothing is applied). */
  record Loaded(Map<String, List<SloSpec>> byTenant, Map<String, Map<String, PrometheusEndpoint>> dataSources, List<ConfigProblem> problems) {}

  SpecFiles(Optional<Path> directory) {
    this.directory = directory;
  }

  boolean changed() throws IOException {
    return !signature().equals(signature);
  }

  Loaded load() throws IOException {
    if (directory.isEmpty()) {
      return new Loaded(Map.of(), Map.of(), List.of());
    }
    String before = signature();
    Loaded loaded = SpecParsing.loadDirectory(directory.get());
    signature = before;
    return loaded;
  }

  private String signature() throws IOException {
    if (directory.isEmpty() || !Files.isDirectory(directory.get())) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    try (Stream<Path> paths = Files.walk(directory.get(), 2)) {
      paths.filter(Files::isRegularFile).sorted().forEach(path -> {
        try {
          text.append(path).append('\u0000').append(Files.size(path)).append('\u0000').append(Files.getLastModifiedTime(path).toMillis()).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return text.toString();
  }
}
