package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.logql.Matcher;
import dev.tonari.query.LabelSelector;
import dev.tonari.query.QueryException;
import dev.tonari.store.Labels;
import dev.tonari.store.StreamVolume;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Loki's documented volume examples (HTTP API reference, "Query log volume") on fixed volumes. */
class VolumeAggregationTest {
  private static final Labels FOO_PROD = Labels.of("job", "foo", "env", "prod", "team", "alpha");
  private static final Labels BAR_PROD = Labels.of("job", "bar", "env", "prod", "team", "beta");
  private static final Labels FOO_DEV = Labels.of("job", "foo", "env", "dev", "team", "alpha");
  private static final Labels BAR_DEV = Labels.of("job", "bar", "env", "dev", "team", "beta");
  private static final List<Labels> STREAMS = List.of(FOO_PROD, BAR_PROD, FOO_DEV, BAR_DEV);

  @Test
  void bySeriesGroupsByTheLabelsTheSelectorNames() throws Exception {
    // Loki's example: {job="foo", env=~".+"} gives {job="foo", env="dev"} and {job="foo", env="prod"}.
    assertThat(groups("{job=\"foo\", env=~\".+\"}", List.of(), VolumeAggregation.AggregateBy.SERIES, 100)).containsExactly(
        new VolumeAggregation.Group("{env=\"dev\", job=\"foo\"}", Labels.of("env", "dev", "job", "foo"), 30),
        new VolumeAggregation.Group("{env=\"prod\", job=\"foo\"}", Labels.of("env", "prod", "job", "foo"), 10));
  }

  @Test
  void targetLabelsReplaceTheSelectorsNamesAndMustBePresent() throws Exception {
    // Loki's example: {team="alpha", env!="dev"} with targetLabels=team,job gives one series {team="alpha", job="foo"}.
    assertThat(groups("{team=\"alpha\", env!=\"dev\"}", List.of("team", "job"), VolumeAggregation.AggregateBy.SERIES, 100)).containsExactly(
        new VolumeAggregation.Group("{job=\"foo\", team=\"alpha\"}", Labels.of("job", "foo", "team", "alpha"), 10));
    // A target label that no stream has selects nothing.
    assertThat(groups("{team=\"alpha\"}", List.of("pod"), VolumeAggregation.AggregateBy.SERIES, 100)).isEmpty();
  }

  @Test
  void byLabelsSumsEveryStreamThatHasTheLabel() throws Exception {
    assertThat(groups("{env=~\".+\"}", List.of(), VolumeAggregation.AggregateBy.LABELS, 100)).containsExactly(
        new VolumeAggregation.Group("env", Labels.of("env", ""), 100),
        new VolumeAggregation.Group("job", Labels.of("job", ""), 100),
        new VolumeAggregation.Group("team", Labels.of("team", ""), 100));
    assertThat(groups("{env=~\".+\"}", List.of("team"), VolumeAggregation.AggregateBy.LABELS, 100)).containsExactly(
        new VolumeAggregation.Group("team", Labels.of("team", ""), 100));
  }

  @Test
  void matchAllGroupsByEveryLabelAndLimitKeepsTheLargest() throws Exception {
    assertThat(groups("{}", List.of(), VolumeAggregation.AggregateBy.SERIES, 2)).containsExactly(
        new VolumeAggregation.Group(BAR_DEV.toString(), BAR_DEV, 40),
        new VolumeAggregation.Group(FOO_DEV.toString(), FOO_DEV, 30));
  }

  @Test
  void equalVolumesAreOrderedByName() throws Exception {
    List<Matcher> matchers = IndexHandlers.matchers("{env=\"prod\"}", false);
    VolumeAggregation aggregation = new VolumeAggregation(matchers, List.of("job"), VolumeAggregation.AggregateBy.SERIES, 100, 1000);
    List<StreamVolume> equal = List.of(new StreamVolume(FOO_PROD, 1, 5, 1), new StreamVolume(BAR_PROD, 1, 5, 1));
    assertThat(aggregation.groups(equal)).extracting(VolumeAggregation.Group::name).containsExactly("{job=\"bar\"}", "{job=\"foo\"}");
  }

  @Test
  void tooManyGroupsIsRefusedWithLokisMessage() throws Exception {
    List<Matcher> matchers = IndexHandlers.matchers("{}", true);
    VolumeAggregation aggregation = new VolumeAggregation(matchers, List.of(), VolumeAggregation.AggregateBy.SERIES, 100, 3);
    assertThatThrownBy(() -> aggregation.groups(volumes(labels -> true)))
        .isInstanceOf(QueryException.class)
        .hasMessage("the query hit the max number of series limit (limit: 3 series)");
  }

  @Test
  void parametersAreParsedAsLoki() {
    assertThat(VolumeAggregation.AggregateBy.parse(null)).isEqualTo(VolumeAggregation.AggregateBy.SERIES);
    assertThat(VolumeAggregation.AggregateBy.parse("labels")).isEqualTo(VolumeAggregation.AggregateBy.LABELS);
    assertThatThrownBy(() -> VolumeAggregation.AggregateBy.parse("streams")).hasMessage("invalid aggregation option");
    assertThat(VolumeAggregation.parseTargetLabels("")).isEmpty();
    assertThat(VolumeAggregation.parseTargetLabels("team,job")).containsExactly("team", "job");
    assertThat(IndexHandlers.limit(null)).isEqualTo(100);
    assertThat(IndexHandlers.limit("0")).isEqualTo(100);
    assertThat(IndexHandlers.limit("7")).isEqualTo(7);
    assertThatThrownBy(() -> IndexHandlers.limit("-1")).hasMessage("limit must be a positive value");
  }

  /** Bytes 10, 20, 30, 40 for the four streams in order, kept when the selector matches. */
  private static List<StreamVolume> volumes(Predicate<Labels> selector) {
    List<StreamVolume> volumes = new java.util.ArrayList<>();
    for (int i = 0; i < STREAMS.size(); i++) {
      if (selector.test(STREAMS.get(i))) {
        volumes.add(new StreamVolume(STREAMS.get(i), 1, 10L * (i + 1), i + 1));
      }
    }
    return volumes;
  }

  private static List<VolumeAggregation.Group> groups(String query, List<String> targetLabels, VolumeAggregation.AggregateBy aggregateBy, int limit)
      throws Exception {
    List<Matcher> matchers = IndexHandlers.matchers(query, true);
    VolumeAggregation aggregation = new VolumeAggregation(matchers, targetLabels, aggregateBy, limit, 1000);
    return aggregation.groups(volumes(aggregation.selector(matchers, LabelSelector.compile(matchers))));
  }
}
