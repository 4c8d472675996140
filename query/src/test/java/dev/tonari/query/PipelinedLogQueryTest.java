package dev.tonari.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log queries with pipelines through the engine: stream identity from parsed labels, errors kept, limits on kept lines. */
class PipelinedLogQueryTest {
  private static final String TENANT = "team-a";
  private static final Labels API = Labels.of("app", "api");
  private static final Labels WEB = Labels.of("app", "web");

  private static QueryEngine engineWith(InMemoryLogStore store) {
    store.append(
        TENANT,
        List.of(
            new StreamBatch(
                API,
                List.of(
                    new LogEntry(1, "level=info msg=started"),
                    new LogEntry(2, "level=error msg=\"disk full\""),
                    new LogEntry(3, "level=info msg=ok", Labels.of("trace_id", "t3")),
                    new LogEntry(4, "garbage ==="))),
            new StreamBatch(WEB, List.of(new LogEntry(5, "level=error msg=boom"), new LogEntry(6, "level=debug msg=noise")))));
    return new QueryEngine(store, QueryLimits.defaults());
  }

  @Test
  void parsedLabelsChangeStreamIdentity() throws Exception {
    QueryEngine engine = engineWith(new InMemoryLogStore());
    StreamsResult result = engine.logQuery(TENANT, "{app=~\"api|web\"} | logfmt | level=\"error\"", 0, 10, 100, Direction.FORWARD);
    assertThat(result.streams())
        .containsExactly(
            new StreamResult(Labels.of("app", "api", "level", "error", "msg", "disk full"), List.of(new LogEntry(2, "level=error msg=\"disk full\""))),
            new StreamResult(Labels.of("app", "web", "level", "error", "msg", "boom"), List.of(new LogEntry(5, "level=error msg=boom"))));
  }

  @Test
  void limitCountsLinesThatPassThePipeline() throws Exception {
    QueryEngine engine = engineWith(new InMemoryLogStore());
    StreamsResult result = engine.logQuery(TENANT, "{app=~\"api|web\"} | logfmt | level=\"info\" | line_format \"{{.msg}}\"", 0, 10, 1, Direction.BACKWARD);
    assertThat(result.streams()).hasSize(1);
    assertThat(result.streams().get(0).entries()).containsExactly(new LogEntry(3, "ok", Labels.of("trace_id", "t3")));
    assertThat(result.streams().get(0).labels()).isEqualTo(Labels.of("app", "api", "level", "info", "msg", "ok", "trace_id", "t3"));
  }

  @Test
  void errorLinesAreKeptUnlessFiltered() throws Exception {
    QueryEngine engine = engineWith(new InMemoryLogStore());
    StreamsResult withErrors = engine.logQuery(TENANT, "{app=\"api\"} | json", 0, 10, 100, Direction.FORWARD);
    assertThat(withErrors.streams()).allSatisfy(stream -> assertThat(stream.labels().get("__error__")).isEqualTo("JSONParserErr"));
    assertThat(withErrors.statistics().entriesReturned()).isEqualTo(4);
    StreamsResult filtered = engine.logQuery(TENANT, "{app=\"api\"} | json | __error__=\"\"", 0, 10, 100, Direction.FORWARD);
    assertThat(filtered.streams()).isEmpty();
  }

  @Test
  void lineFiltersBeforeAndAfterParsers() throws Exception {
    QueryEngine engine = engineWith(new InMemoryLogStore());
    StreamsResult result = engine.logQuery(TENANT, "{app=~\"api|web\"} |= \"level\" | logfmt | line_format \"{{.msg}}\" |~ \"^(ok|boom)$\"", 0, 10, 100, Direction.FORWARD);
    assertThat(result.streams().stream().flatMap(stream -> stream.entries().stream()).map(LogEntry::line)).containsExactlyInAnyOrder("ok", "boom");
    StreamsResult pattern = engine.logQuery(TENANT, "{app=~\"api|web\"} |> \"level=<_> msg=<_>\"", 0, 10, 100, Direction.FORWARD);
    assertThat(pattern.statistics().entriesReturned()).isEqualTo(5);
  }

  @Test
  void invalidTemplateIsA400() {
    QueryEngine engine = engineWith(new InMemoryLogStore());
    assertThatThrownBy(() -> engine.logQuery(TENANT, "{app=\"api\"} | line_format \"{{ nope }}\"", 0, 10, 100, Direction.FORWARD))
        .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("function \"nope\" not defined");
  }
}
