package dev.tonari.logql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The example queries of Loki's documentation, from {@code loki-doc-queries.txt}. */
final class DocQueries {
  private DocQueries() {}

  static List<String> all() {
    String text;
    try (InputStream in = DocQueries.class.getResourceAsStream("/loki-doc-queries.txt")) {
      if (in == null) {
        throw new IllegalStateException("test resource loki-doc-queries.txt is missing");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading loki-doc-queries.txt", e);
    }
    List<String> queries = new ArrayList<>();
    StringBuilder block = new StringBuilder();
    for (String line : (text + "\n\n").split("\n", -1)) {
      if (line.startsWith("//")) {
        continue;
      }
      if (line.isBlank()) {
        if (!block.isEmpty()) {
          queries.add(block.toString().stripTrailing());
          block.setLength(0);
        }
      } else {
        block.append(line).append('\n');
      }
    }
    return queries;
  }
}
