package dev.tonari.slo.spec;

import dev.tonari.tenancy.config.ConfigProblem;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline validation of SLO spec files for CI and editors, as {@code tonari lint} does for tenants
 * files: every problem as {@code FILE:LINE:COL: error: message}, in file and position order, and
 * an exit code (0 valid, 1 invalid, 2 usage error). Files given together, and the YAML files of a
 * directory, are parsed together so that refs across them resolve; each directory is one group,
 * as a tenant's directory is on the server.
 */
public final class SloLint {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;

  private final SloSpecParser parser = new SloSpecParser();

  /**
   * Whether a text is an SLO spec ({@code version: prometheus/v1} or {@code apiVersion: openslo/v1}
   * on a line), so that {@code tonari lint} can route each file to this lint or the tenants lint.
   */
  public static boolean looksLikeSloFile(String text) {
    return SloSpecParser.looksLikeSloFile(text);
  }

  /** Checks the files and directories; problems go to {@code err}, a summary to {@code out}. */
  public int run(List<Path> paths, PrintStream out, PrintStream err) {
    if (paths.isEmpty()) {
      err.println("usage: tonari lint SLO_FILE_OR_DIRECTORY...");
      return EXIT_USAGE;
    }
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, List<Map.Entry<String, String>>> groups = new LinkedHashMap<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        groups.put(path.toString(), SloDirectory.readYamlFiles(path, problems));
      } else {
        SloDirectory.readFile(path, problems).ifPresent(text -> groups.computeIfAbsent("", key -> new ArrayList<>()).add(Map.entry(path.toString(), text)));
      }
    }
    int slos = 0;
    for (List<Map.Entry<String, String>> files : groups.values()) {
      if (files.isEmpty()) {
        continue;
      }
      switch (parser.parseAll(files)) {
        case SloSpecParser.ParseResult.Parsed parsed -> slos += parsed.slos().size();
        case SloSpecParser.ParseResult.Invalid invalid -> problems.addAll(invalid.problems());
      }
    }
    if (!problems.isEmpty()) {
      problems.sort(null);
      for (ConfigProblem problem : problems) {
        err.println(problem.format());
      }
      err.println(problems.size() + (problems.size() == 1 ? " error" : " errors"));
      return EXIT_INVALID;
    }
    out.println("ok: " + paths.size() + (paths.size() == 1 ? " path, " : " paths, ") + slos + (slos == 1 ? " SLO" : " SLOs"));
    return EXIT_VALID;
  }

  /** {@code java -cp tonari.jar dev.tonari.slo.spec.SloLint FILE...}. */
  public static void main(String[] args) {
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      paths.add(Path.of(arg));
    }
    System.exit(new SloLint().run(paths, System.out, System.err));
  }
}
