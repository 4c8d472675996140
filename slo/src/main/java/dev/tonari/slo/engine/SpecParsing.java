package dev.tonari.slo.engine;

import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.slo.spec.SloDirectory;
import dev.tonari.slo.spec.SloSpecParser;
import dev.tonari.tenancy.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The engine's one door to the spec parser: a body from the API, or the SLO directory. */
final class SpecParsing {
  private static final SloSpecParser PARSER = new SloSpecParser();

  private SpecParsing() {}

  /** The specs and data sources of a body, or its problems (then no specs). */
  record Result(List<SloSpec> specs, Map<String, PrometheusEndpoint> dataSources, List<ConfigProblem> problems) {}

  static Result parse(String body, String sourceName) {
    return switch (PARSER.parse(body, sourceName)) {
      case SloSpecParser.ParseResult.Parsed parsed -> new Result(parsed.slos(), parsed.dataSources(), List.of());
      case SloSpecParser.ParseResult.Invalid invalid -> new Result(List.of(), Map.of(), invalid.problems());
    };
  }

  static SpecFiles.Loaded loadDirectory(Path directory) {
    return switch (SloDirectory.load(directory)) {
      case SloDirectory.LoadResult.Loaded loaded -> new SpecFiles.Loaded(loaded.slos(), loaded.dataSources(), List.of());
      case SloDirectory.LoadResult.Invalid invalid -> new SpecFiles.Loaded(Map.of(), Map.of(), invalid.problems());
    };
  }
}
