package dev.tonari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tonari.cli.SloCommand.ApiException;
import dev.tonari.rules.file.RuleFile;
import dev.tonari.rules.file.RuleFileException;
import dev.tonari.rules.file.RuleFileParser;
import dev.tonari.rules.file.RuleFileWriter;
import dev.tonari.rules.file.RuleLint;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tonari rules}: rule groups from the command line, over Loki's rules API, as
 * {@code lokitool rules} does:
 *
 * <ul>
 *   <li>{@code load FILE... [--namespace N]}: lints the files, then posts each group to its
 *       namespace (the file's {@code namespace:} key, else its name without {@code .yaml});
 *   <li>{@code list}: a table of namespace, group, rule count and interval;
 *   <li>{@code delete NAMESPACE [GROUP]}: deletes a group, or the whole namespace.
 * </ul>
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Load, list and delete alerting and recording rule groups.",
    subcommands = {RulesCommand.Load.class, RulesCommand.ListRules.class, RulesCommand.Delete.class})
final class RulesCommand implements Runnable {
  static final String API = "/loki/api/v1/rules";

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** One path segment, URL-escaped as Loki's clients escape namespaces and groups ({@code team/app} as {@code team%2Fapp}). */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "load", mixinStandardHelpOptions = true, description = "Lint rule files, then create or replace their groups on the server.")
  static final class Load implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Option(names = "--namespace", paramLabel = "N", description = "Namespace of every group (default: the file's namespace key, else its name).")
    String namespace;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Prometheus rule files with LogQL expressions.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      RuleFileParser parser = new RuleFileParser();
      RuleLint lint = new RuleLint();
      Map<Path, RuleFile> parsed = new LinkedHashMap<>();
      List<ConfigProblem> problems = new ArrayList<>();
      for (Path file : files) {
        String text;
        try {
          text = Files.readString(file);
        } catch (IOException e) {
          System.err.println(file + ":1:1: error: cannot read: " + e.getMessage());
          return 1;
        }
        List<ConfigProblem> found = lint.lint(namespace == null ? file.toString() : namespace + ".yaml", text);
        if (!found.isEmpty()) {
          // The lint names the namespace's file when --namespace renames it; problems must name the real file.
          found.forEach(problem -> problems.add(new ConfigProblem(file.toString(), problem.line(), problem.column(), problem.message())));
          continue;
        }
        try {
          parsed.put(file, parser.parseFile(file.toString(), text));
        } catch (RuleFileException e) {
          problems.addAll(e.problems());
        }
      }
      if (!problems.isEmpty()) {
        problems.stream().sorted().forEach(problem -> System.err.println(problem.format()));
        System.err.println(problems.size() + (problems.size() == 1 ? " error" : " errors") + "; nothing was loaded");
        return 1;
      }
      Terminal terminal = Terminal.detect();
      try (HttpClient http = HttpClient.newHttpClient()) {
        for (Map.Entry<Path, RuleFile> file : parsed.entrySet()) {
          String target = namespace != null ? namespace : file.getValue().namespace().orElse(baseName(file.getKey()));
          for (RuleGroup group : file.getValue().groups()) {
            try {
              SloCommand.send(http, server, "POST", API + "/" + segment(target), RuleFileWriter.group(group), "application/yaml");
            } catch (ApiException e) {
              System.err.println("tonari rules load: " + file.getKey() + ": group '" + group.name() + "' of namespace '" + target + "': " + e.getMessage());
              return 1;
            }
            System.out.println(terminal.paint(Terminal.GREEN, "loaded") + " " + target + "/" + group.name() + "  "
                + terminal.paint(Terminal.DIM, file.getKey().toString()));
          }
        }
      }
      return 0;
    }

    private static String baseName(Path file) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      return dot > 0 ? name.substring(0, dot) : name;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenant's rule groups.")
  static final class ListRules implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Override
    public Integer call() throws Exception {
      String answer;
      try (HttpClient http = HttpClient.newHttpClient()) {
        answer = SloCommand.send(http, server, "GET", API, null, null);
      } catch (ApiException e) {
        if (e.status() == 404) {
          System.out.println("no rule groups");
          return 0;
        }
        System.err.println("tonari rules list: " + e.getMessage());
        return 1;
      }
      JsonNode namespaces = new ObjectMapper(new YAMLFactory()).readTree(answer);
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAMESPACE", "GROUP", "RULES", "INTERVAL"});
      namespaces.properties().forEach(namespace -> {
        for (JsonNode group : namespace.getValue()) {
          rows.add(new String[] {namespace.getKey(), group.path("name").asText(), Integer.toString(group.path("rules").size()),
              group.path("interval").asText("default")});
        }
      });
      print(rows, Terminal.detect());
      return 0;
    }

    private static void print(List<String[]> rows, Terminal terminal) {
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (int r = 0; r < rows.size(); r++) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
          String cell = rows.get(r)[i];
          line.append(i == 2 ? " ".repeat(widths[i] - cell.length()) + cell : i == widths.length - 1 ? cell : cell + " ".repeat(widths[i] - cell.length()));
          if (i < widths.length - 1) {
            line.append("  ");
          }
        }
        System.out.println(r == 0 ? terminal.paint(Terminal.BOLD, line.toString()) : line.toString());
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule group, or a whole namespace.")
  static final class Delete implements Callable<Integer> {
    @Mixin LokiServerOptions server;

    @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace.")
    String namespace;

    @Parameters(index = "1", paramLabel = "GROUP", arity = "0..1", description = "The group; without it, every group of the namespace.")
    String group;

    @Override
    public Integer call() throws Exception {
      String path = API + "/" + segment(namespace) + (group == null ? "" : "/" + segment(group));
      try (HttpClient http = HttpClient.newHttpClient()) {
        SloCommand.send(http, server, "DELETE", path, null, null);
      } catch (ApiException e) {
        System.err.println("tonari rules delete: " + e.getMessage());
        return 1;
      }
      System.out.println("deleted " + (group == null ? "namespace " + namespace : namespace + "/" + group));
      return 0;
    }
  }
}
