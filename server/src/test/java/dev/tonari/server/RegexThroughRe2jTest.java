package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Regular expressions run through RE2/J, whose matching is linear in the input, never through
 * {@code java.util.regex}, which backtracks: a tenant's query, line, rule, silence or SLO must not
 * be able to make a pattern run for minutes or overflow the stack. Scans the main sources of every
 * module for {@code java.util.regex} and for the {@code String} methods that compile a regex
 * ({@code matches}, {@code replaceAll}, {@code replaceFirst}, and {@code split} past its one-char
 * fast path); the few files allowed to use it are listed in {@link #ALLOWED} with the reason.
 */
class RegexThroughRe2jTest {
  /** Source files (from the repository root) that may use java.util.regex, and why. */
  static final Map<String, String> ALLOWED = Map.of(
      "cli/", "the CLI runs on the user's own machine over its own arguments and the server's answers, never on a server over a tenant's input",
      "bench/", "benchmark tools over corpora they generate themselves",
      "server/src/main/java/dev/tonari/server/ServerConfigLint.java",
      "rewrites the messages of the operator's own config file at startup and in 'tonari lint'; never sees a request");

  /** A String method that compiles its first argument as a regex; split's one-char fast path is told apart below. */
  private static final Pattern STRING_REGEX_CALL = Pattern.compile("\\.(matches|replaceAll|replaceFirst|split)\\(\"((?:[^\"\\\\]|\\\\.)*)\"");
  /** Regex metacharacters: a literal without them matches itself under any engine. */
  private static final Pattern METACHARACTERS = Pattern.compile("[\\\\.\\[\\](){}*+?^$|]");

  @Test
  void mainSourcesUseRe2jForEveryRegex() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("pom.xml")).as("the test runs in a module directory of the repository").exists();
    List<String> violations = new ArrayList<>();
    List<Path> scanned = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(path -> Files.isDirectory(path.resolve("src/main/java"))).sorted().toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            scanned.add(file);
            if (ALLOWED.keySet().stream().noneMatch(relative::startsWith)) {
              violations.addAll(violationsIn(relative, Files.readString(file, StandardCharsets.UTF_8)));
            }
          }
        }
      }
    }
    assertThat(scanned).as("main sources found under " + root).hasSizeGreaterThan(100);
    assertThat(violations).as("regexes outside RE2/J (use com.google.re2j.Pattern, or add the file to ALLOWED with a reason)").isEmpty();
  }

  @Test
  void theScanFindsEachKindOfUse() {
    assertThat(violationsIn("x.java", "import java.util.regex.Pattern;\n")).hasSize(1);
    assertThat(violationsIn("x.java", "var p = java.util.regex.Pattern.compile(\"a+\");\n")).hasSize(1);
    assertThat(violationsIn("x.java", "if (name.matches(\"[a-z]+\")) {}\n")).hasSize(1);
    assertThat(violationsIn("x.java", "s.replaceAll(\"/{2,}\", \"/\");\n")).hasSize(1);
    assertThat(violationsIn("x.java", "s.split(\"\\\\s+\");\n")).hasSize(1);
    assertThat(violationsIn("x.java", "s.split(\"[|,]\");\n")).hasSize(1);
    // One char, or a backslash and one non-alphanumeric char: String.split's fast path, no regex compiled.
    assertThat(violationsIn("x.java", "s.split(\",\"); s.split(\"\\\\.\", -1); s.split(\":\", 2); s.split(\"\\n\", -1);\n")).isEmpty();
    assertThat(violationsIn("x.java", "s.split(\".\");\n")).hasSize(1);
    // RE2/J's own Pattern.matches of a literal, and literals without metacharacters, compile nothing that backtracks.
    assertThat(violationsIn("x.java", "import com.google.re2j.Pattern;\nPATTERN.matches(\"\"); s.replaceAll(\"abc\", \"d\");\n")).isEmpty();
  }

  static List<String> violationsIn(String file, String source) {
    List<String> violations = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int number = 0; number < lines.length; number++) {
      String line = lines[number];
      String trimmed = line.strip();
      if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) {
        continue;
      }
      if (line.contains("java.util.regex")) {
        violations.add(file + ":" + (number + 1) + ": java.util.regex: " + trimmed);
      }
      Matcher call = STRING_REGEX_CALL.matcher(line);
      while (call.find()) {
        String literal = unescape(call.group(2));
        // String.split's fast path: one char that is not a metacharacter, or a backslash and one char that is no letter or digit.
        boolean splitFastPath = call.group(1).equals("split")
            && ((literal.length() == 1 && ".$|()[{^?*+\\".indexOf(literal.charAt(0)) < 0)
                || (literal.length() == 2 && literal.charAt(0) == '\\' && !Character.isLetterOrDigit(literal.charAt(1))));
        if (!splitFastPath && METACHARACTERS.matcher(literal).find()) {
          violations.add(file + ":" + (number + 1) + ": String." + call.group(1) + " compiles \"" + literal + "\" with java.util.regex: " + trimmed);
        }
      }
    }
    return violations;
  }

  /** The value of a Java string literal's source text (the escapes a regex literal uses). */
  private static String unescape(String source) {
    StringBuilder value = new StringBuilder(source.length());
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\\' && i + 1 < source.length()) {
        char next = source.charAt(++i);
        value.append(switch (next) {
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          default -> next;
        });
      } else {
        value.append(c);
      }
    }
    return value.toString();
  }
}
