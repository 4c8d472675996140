package dev.tonari.slo.spec;

import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SLO specs kept as code: {@code <dir>/<tenant>/*.yaml} (and {@code *.yml}), one subdirectory
 * per tenant, its name the tenant ID. Each tenant's files are parsed together (refs resolve within
 * the tenant, ids are unique within the tenant); a problem anywhere makes the whole load invalid,
 * so a server keeps the SLOs it had rather than applying half a change.
 */
public final class SloDirectory {
  private SloDirectory() {}

  /** The outcome of a load. */
  public sealed interface LoadResult {
    /**
     * @param slos per tenant, the tenant's SLOs in file and position order
     * @param dataSources per tenant, its OpenSLO Prometheus DataSources by name
     */
    record Loaded(Map<String, List<SloSpec>> slos, Map<String, Map<String, PrometheusEndpoint>> dataSources) implements LoadResult {
      public Loaded {
        slos = Collections.unmodifiableMap(new TreeMap<>(slos));
        dataSources = Collections.unmodifiableMap(new TreeMap<>(dataSources));
      }
    }

    record Invalid(List<ConfigProblem> problems) implements LoadResult {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /** Reads every tenant subdirectory of {@code dir}; YAML files directly in {@code dir} are a problem (no tenant). */
  public static LoadResult load(Path dir) {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, List<SloSpec>> slos = new TreeMap<>();
    Map<String, Map<String, PrometheusEndpoint>> dataSources = new TreeMap<>();
    List<Path> entries;
    try (Stream<Path> listing = Files.list(dir)) {
      entries = listing.sorted().toList();
    } catch (IOException e) {
      return new LoadResult.Invalid(List.of(new ConfigProblem(dir.toString(), 1, 1, "cannot list the SLO directory: " + e)));
    }
    SloSpecParser parser = new SloSpecParser();
    for (Path entry : entries) {
      if (!Files.isDirectory(entry)) {
        if (isYaml(entry)) {
          problems.add(new ConfigProblem(entry.toString(), 1, 1, "SLO files belong in a tenant's subdirectory: move it to " + dir + "/<tenant>/"));
        }
        continue;
      }
      String tenant = entry.getFileName().toString();
      Optional<String> invalid = TenantIds.problem(tenant);
      if (invalid.isPresent()) {
        problems.add(new ConfigProblem(entry.toString(), 1, 1, "directory name is not a tenant ID: " + invalid.get()));
        continue;
      }
      List<Map.Entry<String, String>> files = readYamlFiles(entry, problems);
      if (files.isEmpty()) {
        continue;
      }
      switch (parser.parseAll(files)) {
        case SloSpecParser.ParseResult.Parsed parsed -> {
          slos.put(tenant, parsed.slos());
          dataSources.put(tenant, parsed.dataSources());
        }
        case SloSpecParser.ParseResult.Invalid parsedInvalid -> problems.addAll(parsedInvalid.problems());
      }
    }
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      return new LoadResult.Invalid(problems);
    }
    return new LoadResult.Loaded(slos, dataSources);
  }

  /** The {@code *.yaml} and {@code *.yml} files directly in a directory, in name order, read as UTF-8. */
  static List<Map.Entry<String, String>> readYamlFiles(Path dir, List<ConfigProblem> problems) {
    List<Path> paths;
    try (Stream<Path> listing = Files.list(dir)) {
      paths = listing.filter(path -> Files.isRegularFile(path) && isYaml(path)).sorted().toList();
    } catch (IOException e) {
      problems.add(new ConfigProblem(dir.toString(), 1, 1, "cannot list directory: " + e));
      return List.of();
    }
    List<Map.Entry<String, String>> files = new ArrayList<>();
    for (Path path : paths) {
      readFile(path, problems).ifPresent(text -> files.add(Map.entry(path.toString(), text)));
    }
    return files;
  }

  static Optional<String> readFile(Path path, List<ConfigProblem> problems) {
    try {
      return Optional.of(Files.readString(path));
    } catch (java.nio.file.NoSuchFileException e) {
      problems.add(new ConfigProblem(path.toString(), 1, 1, "file does not exist"));
    } catch (MalformedInputException e) {
      problems.add(new ConfigProblem(path.toString(), 1, 1, "file is not UTF-8 text"));
    } catch (IOException e) {
      problems.add(new ConfigProblem(path.toString(), 1, 1, "cannot read file: " + e));
    }
    return Optional.empty();
  }

  static boolean isYaml(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
