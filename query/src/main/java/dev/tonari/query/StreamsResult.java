package dev.tonari.query;

import java.util.List;

/** The answer to a log query ({@code resultType: streams}): streams ordered by labels, and what it cost. */
public record StreamsResult(List<StreamResult> streams, QueryStatistics statistics) {
  public StreamsResult {
    streams = List.copyOf(streams);
  }
}
