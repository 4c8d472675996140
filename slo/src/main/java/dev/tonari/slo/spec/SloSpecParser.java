package dev.tonari.slo.spec;

import dev.tonari.slo.model.PrometheusEndpoint;
import dev.tonari.slo.model.SloSpec;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.YamlTree;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import com.google.re2j.Pattern;

/**
 * Reads SLO spec files, Sloth {@code prometheus/v1} and OpenSLO {@code openslo/v1} alike, into the
 * one model ({@link SloSpec}), or into every problem found, each with its file, line and column
 * and a message a person can act on. Nothing is half-accepted: a result is all the SLOs of the
 * files or none. Each YAML document is detected on its own ({@code version: prometheus/v1} or
 * {@code apiVersion: openslo/v1}), so one file may mix both forms; an OpenSLO document may also
 * be a list of objects, as the OpenSLO Go SDK writes them. See {@code docs/slo-specs.md} for the
 * mapping of every key.
 *
 * <p>Stateless and thread-safe.
 */
public final class SloSpecParser {
  private static final Pattern SLOTH_MARK = Pattern.compile("(?m)^\\s*version\\s*:\\s*[\"']?prometheus/v1[\"']?\\s*(#.*)?$");
  private static final Pattern OPENSLO_MARK = Pattern.compile("(?m)^\\s*(-\\s+)?apiVersion\\s*:\\s*[\"']?openslo/v1[\"']?\\s*(#.*)?$");

  /** The outcome of a parse: every SLO, or the problems that prevent any. */
  public sealed interface ParseResult {
    /**
     * @param slos the SLOs in file order, then position order (OpenSLO ones after the Sloth ones
     *     of the same files)
     * @param dataSources the OpenSLO DataSources of type Prometheus, by name, for PromQL SLIs whose
     *     {@link dev.tonari.slo.model.SliQuery#dataSource()} names one
     */
    record Parsed(List<SloSpec> slos, Map<String, PrometheusEndpoint> dataSources) implements ParseResult {
      public Parsed {
        slos = List.copyOf(slos);
        dataSources = Map.copyOf(dataSources);
      }
    }

    /** @param problems sorted by file, line, column */
    record Invalid(List<ConfigProblem> problems) implements ParseResult {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /** Whether a text is meant as an SLO file ({@code version: prometheus/v1} or {@code apiVersion: openslo/v1} on a line). */
  public static boolean looksLikeSloFile(String text) {
    return SLOTH_MARK.matcher(text).find() || OPENSLO_MARK.matcher(text).find();
  }

  /** Parses one file's text; {@code fileName} names it in problems and origins. */
  public ParseResult parse(String text, String fileName) {
    return parseAll(List.of(Map.entry(fileName, text)));
  }

  /**
   * Parses several files (file name, text) together: OpenSLO refs resolve across them and SLO ids
   * must be unique across them.
   */
  public ParseResult parseAll(List<Map.Entry<String, String>> files) {
    return parseAll(files, new java.util.HashSet<>());
  }

  /** {@link #parseAll(List)}, collecting {@code table.key} of every key the readers ask for. */
  ParseResult parseAll(List<Map.Entry<String, String>> files, java.util.Set<String> keysRead) {
    List<ConfigProblem> problems = new ArrayList<>();
    List<SloSpec> slos = new ArrayList<>();
    OpenSloForm openSlo = new OpenSloForm();
    Map<String, Integer> fileOrder = new HashMap<>();
    for (Map.Entry<String, String> file : files) {
      String name = Objects.requireNonNull(file.getKey(), "file name");
      fileOrder.putIfAbsent(name, fileOrder.size());
      SpecReader reader = new SpecReader(name, problems, keysRead);
      List<Map.Entry<Position, String>> duplicates = new ArrayList<>();
      List<Node> documents;
      try {
        documents = YamlTree.parseAll(Objects.requireNonNull(file.getValue(), "file text"), duplicates);
      } catch (YamlTree.SyntaxException e) {
        reader.report(e.position(), e.getMessage());
        continue;
      }
      for (Map.Entry<Position, String> duplicate : duplicates) {
        reader.report(duplicate.getKey(), duplicate.getValue());
      }
      if (documents.isEmpty()) {
        reader.report(new Position(1, 1), "the file holds no SLO document (expected version: prometheus/v1 or apiVersion: openslo/v1)");
      }
      for (Node document : documents) {
        readDocument(document, reader, openSlo, slos);
      }
    }
    slos.addAll(openSlo.build());
    Map<String, PrometheusEndpoint> dataSources = openSlo.prometheusEndpoints();
    checkUniqueIds(slos, fileOrder, problems);
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      return new ParseResult.Invalid(problems);
    }
    return new ParseResult.Parsed(slos, dataSources);
  }

  private static void readDocument(Node document, SpecReader reader, OpenSloForm openSlo, List<SloSpec> slos) {
    if (document instanceof Sequence sequence) {
      for (int i = 0; i < sequence.items().size(); i++) {
        openSlo.register(sequence.items().get(i), "[" + i + "]", reader);
      }
      return;
    }
    if (document instanceof Mapping mapping) {
      if (mapping.entries().containsKey("apiVersion")) {
        openSlo.register(mapping, "", reader);
        return;
      }
      if (mapping.entries().containsKey("version")) {
        reader.section(mapping, "", SpecKeys.SLOTH).ifPresent(root -> slos.addAll(new SlothForm(reader).read(root)));
        return;
      }
    }
    reader.report(document, "", "not an SLO document: expected a Sloth spec (version: prometheus/v1) or OpenSLO objects (apiVersion: openslo/v1), got "
        + document.kindName());
  }

  private static void checkUniqueIds(List<SloSpec> slos, Map<String, Integer> fileOrder, List<ConfigProblem> problems) {
    List<SloSpec> ordered = new ArrayList<>(slos);
    ordered.sort(Comparator.<SloSpec>comparingInt(slo -> fileOrder.getOrDefault(slo.origin().file(), Integer.MAX_VALUE))
        .thenComparingInt(slo -> slo.origin().line())
        .thenComparingInt(slo -> slo.origin().column()));
    Map<String, SloSpec> byId = new HashMap<>();
    for (SloSpec slo : ordered) {
      SloSpec first = byId.putIfAbsent(slo.id(), slo);
      if (first != null) {
        problems.add(new ConfigProblem(slo.origin().file(), slo.origin().line(), slo.origin().column(), "SLO id '" + slo.id()
            + "' is already defined at " + first.origin().file() + ":" + first.origin().line() + ":" + first.origin().column()
            + " (the id is <service>-<name>; rename one)"));
      }
    }
  }
}
