package dev.tonari.tenancy.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline validation of tenants files for CI and editors' "run on save": prints every problem as
 * {@code FILE:LINE:COL: error: message}, one per line in file and position order, and returns the
 * exit code (0 valid, 1 invalid, 2 usage error). The files are checked together, as the server
 * would load them, so cross-file problems (a tenant declared twice, routing to a tenant declared
 * nowhere) are found too. {@code ./tonari lint} calls {@link #run}.
 */
public final class Lint {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;

  private final TenantConfigLoader loader;

  public Lint(TenantConfigLoader loader) {
    this.loader = loader;
  }

  /** Checks the files (or directories) together; problems go to {@code err}, a summary to {@code out}. */
  public int run(List<Path> paths, PrintStream out, PrintStream err) {
    if (paths.isEmpty()) {
      err.println("usage: tonari lint FILE_OR_DIRECTORY...");
      return EXIT_USAGE;
    }
    TenantConfigLoader.LoadResult result = loader.load(paths);
    return switch (result) {
      case TenantConfigLoader.LoadResult.Loaded loaded -> {
        out.println("ok: " + paths.size() + (paths.size() == 1 ? " path, " : " paths, ") + loaded.config().tenants().size() + " declared tenants");
        yield EXIT_VALID;
      }
      case TenantConfigLoader.LoadResult.Invalid invalid -> {
        for (ConfigProblem problem : invalid.problems()) {
          err.println(problem.format());
        }
        err.println(invalid.problems().size() + (invalid.problems().size() == 1 ? " error" : " errors"));
        yield EXIT_INVALID;
      }
    };
  }

  /** {@code java -cp tonari.jar dev.tonari.tenancy.config.Lint FILE...}. */
  public static void main(String[] args) {
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      paths.add(Path.of(arg));
    }
    System.exit(new Lint(new TenantConfigLoader()).run(paths, System.out, System.err));
  }
}
