package dev.tonari.rules.store;

import dev.tonari.rules.file.RuleFile;
import dev.tonari.rules.file.RuleFileException;
import dev.tonari.rules.file.RuleFileParser;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reviewed rule files of {@code ruler.rules_dir}: {@code <dir>/<tenant>/<namespace>.yaml}
 * (or {@code .yml}), each file one namespace of {@link RuleNamespace.Origin#FILE}. A scan reads
 * every file and parses those whose text changed; a file that stops parsing keeps its last good
 * version in force, so a bad edit never drops a tenant's alerts, and its problems are kept until
 * it parses again. Names starting with a dot are skipped (editors' swap files, Kubernetes'
 * {@code ..data} links of a mounted ConfigMap). Not thread-safe: the store serializes scans.
 */
final class RuleDirectory {
  private static final Logger log = LoggerFactory.getLogger(RuleDirectory.class);

  private final Path directory;
  private final RuleStoreLimits limits;
  private final RuleFileParser parser = new RuleFileParser();
  /** What each file held when it last parsed, by path. */
  private final Map<Path, Loaded> loaded = new HashMap<>();
  /** The last text read of each file, good or not, so that unchanged files are not parsed again. */
  private final Map<Path, String> lastText = new HashMap<>();
  private final Map<Path, List<ConfigProblem>> problems = new TreeMap<>();

  private record Loaded(String tenant, RuleNamespace namespace) {}

  RuleDirectory(Path directory, RuleStoreLimits limits) {
    this.directory = directory;
    this.limits = limits;
  }

  Path directory() {
    return directory;
  }

  /**
   * Reads the directory again.
   *
   * @return whether any namespace changed (appeared, changed or went away)
   */
  boolean scan() {
    Map<Path, String> tenantOfFile = new TreeMap<>();
    List<ConfigProblem> directoryProblems = new ArrayList<>();
    listFiles(tenantOfFile, directoryProblems);
    boolean changed = false;
    for (Path gone : List.copyOf(loaded.keySet())) {
      if (!tenantOfFile.containsKey(gone)) {
        loaded.remove(gone);
        changed = true;
        log.info("rule file {} was removed; its namespace is no longer evaluated", gone);
      }
    }
    lastText.keySet().retainAll(tenantOfFile.keySet());
    problems.keySet().retainAll(tenantOfFile.keySet());
    for (Map.Entry<Path, String> file : tenantOfFile.entrySet()) {
      changed |= read(file.getKey(), file.getValue());
    }
    problems.remove(directory);
    if (!directoryProblems.isEmpty()) {
      problems.put(directory, directoryProblems);
    }
    return changed;
  }

  /** Every tenant's file namespaces, by tenant, then by namespace name. */
  Map<String, Map<String, FileNamespace>> namespaces() {
    Map<String, Map<String, FileNamespace>> result = new TreeMap<>();
    for (Map.Entry<Path, Loaded> entry : loaded.entrySet()) {
      result.computeIfAbsent(entry.getValue().tenant(), tenant -> new TreeMap<>())
          .put(entry.getValue().namespace().name(), new FileNamespace(entry.getKey(), entry.getValue().namespace()));
    }
    return result;
  }

  /** A namespace with the file that defines it. */
  record FileNamespace(Path file, RuleNamespace namespace) {}

  /** The problems of the last scan, in file and position order. */
  List<ConfigProblem> problems() {
    List<ConfigProblem> all = new ArrayList<>();
    problems.values().forEach(all::addAll);
    all.sort(null);
    return all;
  }

  private void listFiles(Map<Path, String> tenantOfFile, List<ConfigProblem> directoryProblems) {
    if (!Files.isDirectory(directory)) {
      directoryProblems.add(new ConfigProblem(directory.toString(), 1, 1, "ruler.rules_dir " + directory + " is not a directory"));
      return;
    }
    try (Stream<Path> tenants = Files.list(directory)) {
      for (Path tenantDirectory : tenants.sorted().toList()) {
        String tenant = tenantDirectory.getFileName().toString();
        if (tenant.startsWith(".") || !Files.isDirectory(tenantDirectory)) {
          continue;
        }
        Optional<String> problem = TenantIds.problem(tenant);
        if (problem.isPresent()) {
          directoryProblems.add(new ConfigProblem(tenantDirectory.toString(), 1, 1, "not a tenant directory: " + problem.get()));
          continue;
        }
        try (Stream<Path> files = Files.list(tenantDirectory)) {
          for (Path file : files.sorted().toList()) {
            String name = file.getFileName().toString();
            if (!name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(file)) {
              tenantOfFile.put(file, tenant);
            }
          }
        }
      }
    } catch (IOException e) {
      log.warn("cannot list the rules directory {}; its namespaces stay as last read", directory, e);
      directoryProblems.add(new ConfigProblem(directory.toString(), 1, 1, "cannot list the rules directory: " + e.getMessage()));
      // Keep what was loaded: a passing I/O error must not drop every namespace.
      loaded.keySet().forEach(file -> tenantOfFile.putIfAbsent(file, loaded.get(file).tenant()));
    }
  }

  /** @return whether the file's namespace changed */
  private boolean read(Path file, String tenant) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      log.warn("cannot read rule file {} of tenant {}; its last good version stays in force", file, tenant, e);
      problems.put(file, List.of(new ConfigProblem(file.toString(), 1, 1, "cannot read: " + e.getMessage())));
      lastText.remove(file);
      return false;
    }
    if (text.equals(lastText.get(file))) {
      return false;
    }
    lastText.put(file, text);
    String fileName = file.getFileName().toString();
    String name = fileName.substring(0, fileName.lastIndexOf('.'));
    List<ConfigProblem> found = new ArrayList<>();
    Optional<RuleNamespace> parsed = parse(file, name, text, found);
    if (parsed.isEmpty()) {
      problems.put(file, found);
      Loaded previous = loaded.get(file);
      log.warn("rule file {} of tenant {} is invalid; {}: {}", file, tenant,
          previous == null ? "it is not loaded" : "its last good version stays in force", found.stream().map(ConfigProblem::format).toList());
      return false;
    }
    problems.remove(file);
    Loaded previous = loaded.put(file, new Loaded(tenant, parsed.get()));
    log.info("rule file {} of tenant {} loaded: namespace {} with {} groups", file, tenant, name, parsed.get().groups().size());
    return previous == null || !previous.namespace().equals(parsed.get());
  }

  private Optional<RuleNamespace> parse(Path file, String name, String text, List<ConfigProblem> found) {
    String where = file.toString();
    if (name.equals(RuleNamespace.SLO_NAMESPACE)) {
      found.add(new ConfigProblem(where, 1, 1, "namespace '" + RuleNamespace.SLO_NAMESPACE
          + "' is reserved for the rules generated from SLOs; rename the file"));
      return Optional.empty();
    }
    Optional<String> nameProblem = RuleNames.namespaceProblem(name);
    if (nameProblem.isPresent()) {
      found.add(new ConfigProblem(where, 1, 1, nameProblem.get()));
      return Optional.empty();
    }
    RuleFile ruleFile;
    try {
      ruleFile = parser.parseFile(where, text);
    } catch (RuleFileException e) {
      found.addAll(e.problems());
      return Optional.empty();
    }
    if (ruleFile.namespace().isPresent() && !ruleFile.namespace().get().equals(name)) {
      found.add(new ConfigProblem(where, 1, 1, "the file names namespace '" + ruleFile.namespace().get() + "', but its file name makes it '" + name
          + "'; in the rules directory the file name is the namespace: rename the file or drop the namespace key"));
      return Optional.empty();
    }
    Optional<String> limitProblem = limits.namespaceProblem(name, ruleFile.groups());
    if (limitProblem.isPresent()) {
      found.add(new ConfigProblem(where, 1, 1, limitProblem.get()));
      return Optional.empty();
    }
    return Optional.of(new RuleNamespace(name, ruleFile.groups(), RuleNamespace.Origin.FILE));
  }
}
