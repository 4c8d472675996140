package dev.tonari.cli;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.rules.file.RuleLint;
import dev.tonari.tenancy.config.Lint;
import dev.tonari.tenancy.config.TenantConfigLoader;
import dev.tonari.tenancy.config.TenantSettings;
import dev.tonari.server.ServerConfigLint;
import dev.tonari.slo.spec.SloLint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari lint FILE...}: validates server config files (every key of {@code tonari server
 * --config}, storage included), tenants files, SLO files (Sloth {@code prometheus/v1}, OpenSLO
 * {@code openslo/v1}) and rule files (Prometheus {@code groups:} with LogQL expressions) offline,
 * each kind together as the server loads it, printing {@code
 * FILE:LINE:COL: error: message} for every problem; exit code 0 valid, 1 invalid, 2 usage error, for
 * CI. Each file goes to the lint of its kind by its content; a directory is read as its
 * {@code *.yaml}/{@code *.yml} files and, for an SLO or rules directory, its tenants' subdirectories. Queries
 * and selectors are checked with the real LogQL parser, as the server checks them.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Validate tenants files, SLO files and rule files (or directories of them) offline; non-zero exit on error.")
final class LintCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Tenants, SLO or rule YAML files, or directories of *.yaml/*.yml files.")
  List<Path> files = new ArrayList<>();

  @Override
  public Integer call() {
    List<Path> tenantFiles = new ArrayList<>();
    List<Path> sloFiles = new ArrayList<>();
    List<Path> ruleFiles = new ArrayList<>();
    List<Path> serverConfigs = new ArrayList<>();
    for (Path path : files) {
      try {
        if (Files.isRegularFile(path) && ServerConfigLint.looksLikeServerConfig(Files.readString(path))) {
          serverConfigs.add(path);
          continue;
        }
        classify(path, tenantFiles, sloFiles, ruleFiles);
      } catch (IOException e) {
        System.err.println(path + ":1:1: error: cannot read: " + e.getMessage());
        return Lint.EXIT_INVALID;
      }
    }
    int exit = Lint.EXIT_VALID;
    for (Path serverConfig : serverConfigs) {
      List<String> problems = ServerConfigLint.check(serverConfig);
      problems.forEach(System.err::println);
      if (problems.isEmpty()) {
        System.out.println(serverConfig + ": ok (server config)");
      } else {
        exit = Lint.EXIT_INVALID;
      }
    }
    if (serverConfigs.size() == files.size()) {
      return exit;
    }
    if (!tenantFiles.isEmpty() || (sloFiles.isEmpty() && ruleFiles.isEmpty())) {
      exit = Math.max(exit, new Lint(loader()).run(tenantFiles.isEmpty() ? files : tenantFiles, System.out, System.err));
    }
    if (!sloFiles.isEmpty()) {
      exit = Math.max(exit, new SloLint().run(sloFiles, System.out, System.err));
    }
    if (!ruleFiles.isEmpty()) {
      exit = Math.max(exit, new RuleLint().run(ruleFiles, System.out, System.err));
    }
    return exit;
  }

  /** Sorts a path's YAML files into tenants files, SLO files and rule files by their content. */
  static void classify(Path path, List<Path> tenantFiles, List<Path> sloFiles, List<Path> ruleFiles) throws IOException {
    if (!Files.isDirectory(path)) {
      String text = Files.isRegularFile(path) ? Files.readString(path) : "";
      if (SloLint.looksLikeSloFile(text)) {
        sloFiles.add(path);
      } else if (RuleLint.looksLikeRuleFile(text)) {
        ruleFiles.add(path);
      } else {
        tenantFiles.add(path);
      }
      return;
    }
    try (Stream<Path> children = Files.list(path)) {
      for (Path child : children.sorted().toList()) {
        String name = child.getFileName().toString();
        if (Files.isDirectory(child)) {
          // An SLO directory holds one subdirectory per tenant: each is checked on its own, as the server loads it
          // (ids are unique and refs resolve within a tenant, so two tenants may both have api-availability).
          // A rules directory holds one subdirectory per tenant too, of rule files checked one by one.
          boolean holdsSlos = false;
          try (Stream<Path> inner = Files.list(child)) {
            for (Path file : inner.sorted().toList()) {
              String text = isYaml(file) ? Files.readString(file) : "";
              holdsSlos |= SloLint.looksLikeSloFile(text);
              if (RuleLint.looksLikeRuleFile(text)) {
                ruleFiles.add(file);
              }
            }
          }
          if (holdsSlos) {
            sloFiles.add(child);
          }
        } else if (isYaml(child)) {
          String text = Files.readString(child);
          (SloLint.looksLikeSloFile(text) ? sloFiles : RuleLint.looksLikeRuleFile(text) ? ruleFiles : tenantFiles).add(child);
        } else if (name.endsWith(".json")) {
          tenantFiles.add(child);
        }
      }
    }
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  /** The loader the server uses: Loki's defaults underneath and the LogQL parser for selectors. */
  static TenantConfigLoader loader() {
    return new TenantConfigLoader(TenantSettings.defaults(), selector -> {
      try {
        LogqlParser.parseMatchers(selector);
        return Optional.empty();
      } catch (LogqlParseException e) {
        return Optional.of(e.getMessage());
      }
    });
  }
}
