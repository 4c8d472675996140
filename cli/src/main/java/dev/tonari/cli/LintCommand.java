package dev.tonari.cli;

import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlParser;
import dev.tonari.tenancy.config.Lint;
import dev.tonari.tenancy.config.TenantConfigLoader;
import dev.tonari.tenancy.config.TenantSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari lint FILE...}: validates tenants files offline, together as the server loads them,
 * printing {@code FILE:LINE:COL: error: message} for every problem; exit code 0 valid, 1 invalid, 2
 * usage error, for CI. Selectors of {@code retention_stream} are checked with the real LogQL
 * parser, as the server checks them.
 */
@Command(name = "lint", mixinStandardHelpOptions = true, description = "Validate tenants files (or directories of them) offline; non-zero exit on error.")
final class LintCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Tenants YAML files or directories of *.yaml/*.yml files.")
  List<Path> files = new ArrayList<>();

  @Override
  public Integer call() {
    return new Lint(loader()).run(files, System.out, System.err);
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
