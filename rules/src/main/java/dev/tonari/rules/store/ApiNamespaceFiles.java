package dev.tonari.rules.store;

import dev.tonari.rules.file.RuleFile;
import dev.tonari.rules.file.RuleFileException;
import dev.tonari.rules.file.RuleFileParser;
import dev.tonari.rules.file.RuleFileWriter;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.tenancy.AtomicFiles;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces written through the rules API, one file each under
 * {@code <data_dir>/rules/<tenant>/<encoded namespace>.yaml} ({@link RuleNames#fileNameOf}).
 *
 * <p>Layout of a file: the line {@value #HEADER}, then a rule file in cortextool's form, the
 * namespace's real name under {@code namespace:} and its groups under {@code groups:} as
 * {@link RuleFileWriter#file} writes them. The format is Prometheus' (a person can read it, and
 * {@code tonari lint} checks it) and names itself in the header; YAML needs no checksum because
 * each write replaces the whole file atomically ({@link AtomicFiles}), so a crash leaves the old
 * or the new file. A namespace without groups has no file.
 */
final class ApiNamespaceFiles {
  private static final Logger log = LoggerFactory.getLogger(ApiNamespaceFiles.class);
  static final String HEADER = "# tonari rules-api namespace, format 1: a Prometheus rule file with LogQL expressions";

  private final Path root;
  private final RuleFileParser parser = new RuleFileParser();

  ApiNamespaceFiles(Path root) {
    this.root = root;
  }

  Path fileOf(String tenant, String namespace) {
    return root.resolve(tenant).resolve(RuleNames.fileNameOf(namespace) + ".yaml");
  }

  /**
   * Reads every stored namespace. A file that does not parse (edited by hand) is left out with
   * its problems reported, and stays on disk untouched for its owner to repair.
   */
  Map<String, Map<String, RuleNamespace>> loadAll(List<ConfigProblem> problems) throws IOException {
    Map<String, Map<String, RuleNamespace>> result = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return result;
    }
    try (Stream<Path> tenants = Files.list(root)) {
      for (Path tenantDirectory : tenants.sorted().toList()) {
        String tenant = tenantDirectory.getFileName().toString();
        if (!Files.isDirectory(tenantDirectory) || !TenantIds.isValid(tenant)) {
          continue;
        }
        try (Stream<Path> files = Files.list(tenantDirectory)) {
          for (Path file : files.sorted().toList()) {
            load(tenant, file, problems).ifPresent(namespace -> result.computeIfAbsent(tenant, key -> new TreeMap<>()).put(namespace.name(), namespace));
          }
        }
      }
    }
    return result;
  }

  private Optional<RuleNamespace> load(String tenant, Path file, List<ConfigProblem> problems) throws IOException {
    String fileName = file.getFileName().toString();
    if (!fileName.endsWith(".yaml")) {
      // AtomicFiles' temporary files of a write cut short by a crash: the rename never happened.
      return Optional.empty();
    }
    Optional<String> encoded = RuleNames.namespaceOf(fileName.substring(0, fileName.length() - ".yaml".length()));
    if (encoded.isEmpty()) {
      problems.add(new ConfigProblem(file.toString(), 1, 1, "not a file name the rules API writes; left out"));
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    RuleFile parsed;
    try {
      parsed = parser.parseFile(file.toString(), text);
    } catch (RuleFileException e) {
      log.error("stored rules of tenant {} namespace {} in {} do not parse; left out until repaired: {}", tenant, encoded.get(), file, e.getMessage());
      problems.addAll(e.problems());
      return Optional.empty();
    }
    String name = parsed.namespace().orElse(encoded.get());
    if (!name.equals(encoded.get())) {
      problems.add(new ConfigProblem(file.toString(), 1, 1, "names namespace '" + name + "' but its file name is that of '" + encoded.get() + "'; left out"));
      return Optional.empty();
    }
    return Optional.of(new RuleNamespace(name, parsed.groups(), RuleNamespace.Origin.API));
  }

  /** Writes a namespace durably, or removes its file when it has no groups left. */
  void write(String tenant, RuleNamespace namespace) throws IOException {
    Path file = fileOf(tenant, namespace.name());
    if (namespace.groups().isEmpty()) {
      if (Files.deleteIfExists(file)) {
        AtomicFiles.syncDirectory(file.getParent());
      }
      return;
    }
    String text = HEADER + "\n" + RuleFileWriter.file(Optional.of(namespace.name()), namespace.groups());
    AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
