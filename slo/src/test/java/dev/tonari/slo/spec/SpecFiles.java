package dev.tonari.slo.spec;

import dev.tonari.slo.spec.SloSpecParser.ParseResult;
import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: the spec files under src/test/resources/specs, and results as values or failures. */
final class SpecFiles {
  private SpecFiles() {}

  static String read(String name) {
    try (InputStream in = SpecFiles.class.getResourceAsStream("/specs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource specs/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ParseResult.Parsed parsed(String... names) {
    List<Map.Entry<String, String>> files = new ArrayList<>();
    for (String name : names) {
      files.add(Map.entry(name, read(name)));
    }
    return parsed(new SloSpecParser().parseAll(files));
  }

  static ParseResult.Parsed parsed(ParseResult result) {
    return switch (result) {
      case ParseResult.Parsed parsed -> parsed;
      case ParseResult.Invalid invalid -> throw new AssertionError("expected the files to parse, got:\n"
          + String.join("\n", invalid.problems().stream().map(ConfigProblem::format).toList()));
    };
  }

  /** The formatted problems of a text that must not parse. */
  static List<String> problems(String text) {
    return switch (new SloSpecParser().parse(text, "slo.yaml")) {
      case ParseResult.Parsed parsed -> throw new AssertionError("expected problems, got " + parsed.slos());
      case ParseResult.Invalid invalid -> invalid.problems().stream().map(ConfigProblem::format).toList();
    };
  }
}
