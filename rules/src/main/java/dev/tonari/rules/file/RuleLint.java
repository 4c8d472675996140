package dev.tonari.rules.file;

import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.store.RuleNames;
import dev.tonari.rules.store.RuleStoreLimits;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Offline validation of rule files for CI and editors, as {@code tonari lint} does for tenants and
 * SLO files: every problem as {@code FILE:LINE:COL: error: message} in file and position order, and
 * an exit code (0 valid, 1 invalid, 2 usage error). Each file is checked as the server loads it:
 * the parser's checks, the reserved namespace {@value RuleNamespace#SLO_NAMESPACE} and the store's
 * limits. A directory is read as a rules directory: its rule files and those of its tenant
 * subdirectories.
 */
public final class RuleLint {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;

  private final RuleFileParser parser = new RuleFileParser();
  private final RuleStoreLimits limits;

  public RuleLint(RuleStoreLimits limits) {
    this.limits = limits;
  }

  public RuleLint() {
    this(RuleStoreLimits.defaults());
  }

  /** Whether a text is meant as a rule file ({@link RuleFileParser#looksLikeRuleFile}). */
  public static boolean looksLikeRuleFile(String text) {
    return RuleFileParser.looksLikeRuleFile(text);
  }

  /** The problems of one rule file's text; {@code file} names it in them and, less {@code .yaml}, is its namespace unless it names one. */
  public List<ConfigProblem> lint(String file, String text) {
    RuleFile parsed;
    try {
      parsed = parser.parseFile(file, text);
    } catch (RuleFileException e) {
      return e.problems();
    }
    String fileName = Path.of(file).getFileName() == null ? file : Path.of(file).getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    String namespace = parsed.namespace().orElse(dot > 0 ? fileName.substring(0, dot) : fileName);
    List<ConfigProblem> problems = new ArrayList<>();
    if (namespace.equals(RuleNamespace.SLO_NAMESPACE)) {
      problems.add(new ConfigProblem(file, 1, 1, "namespace '" + RuleNamespace.SLO_NAMESPACE + "' is reserved for the rules generated from SLOs"));
    }
    RuleNames.namespaceProblem(namespace).ifPresent(problem -> problems.add(new ConfigProblem(file, 1, 1, problem)));
    limits.namespaceProblem(namespace, parsed.groups()).ifPresent(problem -> problems.add(new ConfigProblem(file, 1, 1, problem)));
    return problems;
  }

  /** Checks the files and directories; problems go to {@code err}, a summary to {@code out}. */
  public int run(List<Path> paths, PrintStream out, PrintStream err) {
    if (paths.isEmpty()) {
      err.println("usage: tonari lint RULE_FILE_OR_DIRECTORY...");
      return EXIT_USAGE;
    }
    List<ConfigProblem> problems = new ArrayList<>();
    int files = 0;
    for (Path file : expand(paths, problems)) {
      files++;
      try {
        problems.addAll(lint(file.toString(), Files.readString(file)));
      } catch (IOException e) {
        problems.add(new ConfigProblem(file.toString(), 1, 1, "cannot read: " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      problems.sort(null);
      problems.forEach(problem -> err.println(problem.format()));
      err.println(problems.size() + (problems.size() == 1 ? " error" : " errors"));
      return EXIT_INVALID;
    }
    out.println("ok: " + files + (files == 1 ? " rule file" : " rule files"));
    return EXIT_VALID;
  }

  /** Files as they are; directories as their rule files and those of their subdirectories (a rules directory's tenants). */
  static List<Path> expand(List<Path> paths, List<ConfigProblem> problems) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.isDirectory(path)) {
        files.add(path);
        continue;
      }
      try (Stream<Path> walk = Files.walk(path, 2)) {
        for (Path file : walk.filter(RuleLint::isYaml).sorted().toList()) {
          if (looksLikeRuleFile(Files.readString(file))) {
            files.add(file);
          }
        }
      } catch (IOException e) {
        problems.add(new ConfigProblem(path.toString(), 1, 1, "cannot read the directory: " + e.getMessage()));
      }
    }
    return files;
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  /** {@code java -cp tonari.jar dev.tonari.rules.file.RuleLint FILE...}. */
  public static void main(String[] args) {
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      paths.add(Path.of(arg));
    }
    System.exit(new RuleLint().run(paths, System.out, System.err));
  }
}
