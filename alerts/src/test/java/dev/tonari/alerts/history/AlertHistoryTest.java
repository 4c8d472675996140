package dev.tonari.alerts.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.tenancy.MutableClock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history on disk: append, query, reopen, torn tails, acknowledgements and retention. */
class AlertHistoryTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Alerts ERRORS = Alerts.of("team-a", "ErrorBurst", "pod", "a", "severity", "page");
  private static final Alerts LATENCY = Alerts.of("team-a", "SlowRequests", "severity", "ticket");
  private static final Alerts OTHER_TENANT = Alerts.of("team-b", "ErrorBurst", "pod", "a");

  @TempDir Path directory;
  private final MutableClock clock = new MutableClock(T0);
  private AlertHistory history;

  @AfterEach
  void close() throws IOException {
    if (history != null) {
      history.close();
    }
  }

  private AlertHistory open() throws IOException {
    if (history != null) {
      history.close();
    }
    history = AlertHistory.open(directory, AlertHistory.DEFAULT_RETENTION, clock);
    return history;
  }

  private static Instant minute(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  private List<String> fileNames(String tenant) throws IOException {
    try (Stream<Path> files = Files.list(directory.resolve(tenant))) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  private List<AlertEpisode> episodes(String tenant, Instant from, Instant to) throws IOException {
    return history.episodes(tenant, from, to, 1000);
  }

  @Test
  void keepsEveryChangeAndEpisodeAcrossARestart() throws IOException {
    open();
    history.onTransitions(List.of(ERRORS.pending(minute(0)), LATENCY.pending(minute(0)), OTHER_TENANT.firesAtOnce(minute(0))));
    history.onTransitions(List.of(ERRORS.fires(minute(1)), LATENCY.stopsPending(minute(1))));
    history.onTransitions(List.of(ERRORS.resolves(minute(10))));
    history.onTransitions(List.of(ERRORS.pending(minute(20))));

    List<HistoryEntry> entries = history.transitions("team-a", T0, minute(60), TransitionFilter.all(), 100);
    assertThat(entries).extracting(entry -> entry.transition().rule() + " " + entry.transition().from().label() + "->" + entry.transition().to().label())
        .containsExactly("ErrorBurst inactive->pending", "ErrorBurst firing->inactive", "ErrorBurst pending->firing", "SlowRequests pending->inactive",
            "ErrorBurst inactive->pending", "SlowRequests inactive->pending");
    String first = EpisodeIds.of("team-a", AlertFingerprint.of(ERRORS.labels()), minute(0));
    assertThat(entries.get(1).episodeId()).isEqualTo(first).startsWith("20240501-");
    assertThat(entries.get(0).episodeId()).isNotEqualTo(first);

    List<AlertEpisode> before = episodes("team-a", T0, minute(60));
    assertThat(before).hasSize(3);
    AlertEpisode burst = before.stream().filter(episode -> episode.id().equals(first)).findFirst().orElseThrow();
    assertThat(burst.startedAt()).isEqualTo(minute(0));
    assertThat(burst.firedAt()).contains(minute(1));
    assertThat(burst.resolvedAt()).contains(minute(10));
    assertThat(burst.state()).isEqualTo(AlertState.INACTIVE);
    assertThat(burst.value()).as("the value when it fired").isEqualTo(2);
    assertThat(burst.timeToResolve()).contains(Duration.ofMinutes(9));
    AlertEpisode slow = before.stream().filter(episode -> episode.rule().equals("SlowRequests")).findFirst().orElseThrow();
    assertThat(slow.firedAt()).isEmpty();
    assertThat(slow.resolvedAt()).contains(minute(1));
    assertThat(history.openEpisodes("team-a")).singleElement().satisfies(open -> {
      assertThat(open.startedAt()).isEqualTo(minute(20));
      assertThat(open.state()).isEqualTo(AlertState.PENDING);
    });

    open();
    assertThat(history.transitions("team-a", T0, minute(60), TransitionFilter.all(), 100)).isEqualTo(entries);
    assertThat(episodes("team-a", T0, minute(60))).isEqualTo(before);
    assertThat(history.openEpisodes("team-a")).extracting(AlertEpisode::startedAt).containsExactly(minute(20));
    assertThat(history.tenants()).containsExactly("team-a", "team-b");
    // The episode goes on after the restart: same id, now firing.
    history.onTransitions(List.of(ERRORS.fires(minute(21))));
    assertThat(history.openEpisodes("team-a")).singleElement().satisfies(open -> {
      assertThat(open.id()).isEqualTo(entries.get(0).episodeId());
      assertThat(open.firedAt()).contains(minute(21));
    });
    assertThat(episodes("team-b", T0, minute(60))).singleElement().satisfies(episode -> assertThat(episode.firedAt()).contains(minute(0)));
    assertThat(history.writeFailures()).isZero();
  }

  @Test
  void filtersByRuleAndLabelsAndKeepsTheNewestUpToTheLimit() throws IOException {
    open();
    for (int i = 0; i < 5; i++) {
      history.onTransitions(List.of(ERRORS.pending(minute(10 * i)), LATENCY.pending(minute(10 * i))));
      history.onTransitions(List.of(ERRORS.stopsPending(minute(10 * i + 1)), LATENCY.stopsPending(minute(10 * i + 1))));
    }
    TransitionFilter errors = new TransitionFilter(Optional.of("ErrorBurst"), Map.of());
    assertThat(history.transitions("team-a", T0, minute(100), errors, 3)).extracting(entry -> entry.transition().at())
        .containsExactly(minute(41), minute(40), minute(31));
    TransitionFilter tickets = new TransitionFilter(Optional.empty(), Map.of("severity", "ticket"));
    assertThat(history.transitions("team-a", T0, minute(100), tickets, 100)).hasSize(10).allMatch(entry -> entry.transition().rule().equals("SlowRequests"));
    assertThat(history.transitions("team-a", minute(20), minute(30), TransitionFilter.all(), 100)).extracting(entry -> entry.transition().at())
        .containsExactly(minute(30), minute(30), minute(21), minute(21), minute(20), minute(20));
    assertThat(history.transitions("team-a", T0, minute(100), new TransitionFilter(Optional.empty(), Map.of("pod", "b")), 100)).isEmpty();
    assertThat(history.transitions("team-c", T0, minute(100), TransitionFilter.all(), 100)).isEmpty();
  }

  @Test
  void anEpisodeOverSeveralDaysIsWholeWhenAskedForADayInTheMiddle() throws IOException {
    open();
    Instant start = Instant.parse("2024-05-01T23:50:00Z");
    history.onTransitions(List.of(ERRORS.pending(start)));
    history.onTransitions(List.of(ERRORS.fires(start.plus(Duration.ofMinutes(5)))));
    // Another alert changes on the 2nd, so that day has a file; then the burst resolves on the 4th.
    history.onTransitions(List.of(LATENCY.pending(Instant.parse("2024-05-02T12:00:00Z"))));
    history.onTransitions(List.of(LATENCY.stopsPending(Instant.parse("2024-05-02T12:01:00Z"))));
    history.onTransitions(List.of(ERRORS.resolves(Instant.parse("2024-05-04T08:00:00Z"))));
    assertThat(fileNames("team-a"))
        .containsExactly("2024-05-01.history", "2024-05-02.history", "2024-05-04.history");

    open();
    List<AlertEpisode> third = episodes("team-a", Instant.parse("2024-05-03T00:00:00Z"), Instant.parse("2024-05-03T23:59:59Z"));
    assertThat(third).singleElement().satisfies(episode -> {
      assertThat(episode.rule()).isEqualTo("ErrorBurst");
      assertThat(episode.startedAt()).isEqualTo(start);
      assertThat(episode.firedAt()).contains(start.plus(Duration.ofMinutes(5)));
      assertThat(episode.resolvedAt()).contains(Instant.parse("2024-05-04T08:00:00Z"));
    });
    List<AlertEpisode> second = episodes("team-a", Instant.parse("2024-05-02T00:00:00Z"), Instant.parse("2024-05-02T23:59:59Z"));
    assertThat(second).extracting(AlertEpisode::rule).containsExactlyInAnyOrder("ErrorBurst", "SlowRequests");
    assertThat(episodes("team-a", Instant.parse("2024-05-05T00:00:00Z"), Instant.parse("2024-05-06T00:00:00Z"))).isEmpty();
  }

  @Test
  void aTornTailIsDroppedAndEverythingBeforeItKept() throws IOException {
    open();
    history.onTransitions(List.of(ERRORS.pending(minute(0))));
    history.onTransitions(List.of(ERRORS.fires(minute(1))));
    Path file = directory.resolve("team-a").resolve("2024-05-01.history");
    long beforeLast = Files.size(file);
    history.onTransitions(List.of(ERRORS.resolves(minute(5))));
    long complete = Files.size(file);
    history.close();
    history = null;
    // The crash cut the last record in the middle.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(beforeLast + (complete - beforeLast) / 2);
    }

    open();
    assertThat(history.transitions("team-a", T0, minute(60), TransitionFilter.all(), 100)).extracting(entry -> entry.transition().to())
        .containsExactly(AlertState.FIRING, AlertState.PENDING);
    assertThat(history.openEpisodes("team-a")).singleElement().satisfies(episode -> assertThat(episode.firedAt()).contains(minute(1)));
    // The next append truncates the torn bytes first, so what follows is readable.
    history.onTransitions(List.of(ERRORS.resolves(minute(7))));
    assertThat(Files.size(file)).isEqualTo(complete);
    open();
    assertThat(history.transitions("team-a", T0, minute(60), TransitionFilter.all(), 100)).extracting(entry -> entry.transition().at())
        .containsExactly(minute(7), minute(1), minute(0));
    assertThat(episodes("team-a", T0, minute(60))).singleElement().satisfies(episode -> assertThat(episode.resolvedAt()).contains(minute(7)));
  }

  @Test
  void aFileWithAnUnreadableHeaderIsSetAsideAndTheOlderFileGivesTheOpenEpisodes() throws IOException {
    open();
    history.onTransitions(List.of(ERRORS.firesAtOnce(Instant.parse("2024-05-01T10:00:00Z"))));
    history.onTransitions(List.of(LATENCY.pending(Instant.parse("2024-05-02T10:00:00Z"))));
    history.close();
    history = null;
    Path second = directory.resolve("team-a").resolve("2024-05-02.history");
    byte[] bytes = Files.readAllBytes(second);
    bytes[6] ^= 0x20;
    Files.write(second, bytes);

    open();
    assertThat(directory.resolve("team-a").resolve("2024-05-02.history.corrupt")).exists();
    assertThat(second).doesNotExist();
    assertThat(history.openEpisodes("team-a")).extracting(AlertEpisode::rule).containsExactly("ErrorBurst");
  }

  @Test
  void acknowledgementsAreDurableIdempotentAndRefusedForUnknownEpisodes() throws IOException, UnknownEpisodeException {
    open();
    history.onTransitions(List.of(ERRORS.firesAtOnce(minute(0)), LATENCY.firesAtOnce(minute(0))));
    history.onTransitions(List.of(LATENCY.resolves(minute(3))));
    String open = history.openEpisodes("team-a").getFirst().id();
    String over = episodes("team-a", T0, minute(10)).stream().filter(episode -> episode.rule().equals("SlowRequests")).findFirst().orElseThrow().id();

    AlertEpisode acknowledged = history.acknowledge("team-a", open, "alice", " looking ", minute(2));
    assertThat(acknowledged.acknowledgement()).contains(new Acknowledgement(minute(2), "alice", "looking"));
    assertThat(acknowledged.timeToAcknowledge()).contains(Duration.ofMinutes(2));
    AlertEpisode again = history.acknowledge("team-a", open, "bob", "", minute(4));
    assertThat(again.acknowledgement()).as("the first acknowledgement stays").contains(new Acknowledgement(minute(2), "alice", "looking"));
    AlertEpisode late = history.acknowledge("team-a", over, "carol", "", minute(30));
    assertThat(late.resolvedAt()).contains(minute(3));
    assertThat(late.acknowledgement()).contains(new Acknowledgement(minute(30), "carol", ""));

    assertThatThrownBy(() -> history.acknowledge("team-a", "20240501-0123456789abcdef", "alice", "", minute(5)))
        .isInstanceOf(UnknownEpisodeException.class).hasMessageContaining("team-a").hasMessageContaining("20240501-0123456789abcdef");
    assertThatThrownBy(() -> history.acknowledge("team-a", "not-an-id", "alice", "", minute(5))).isInstanceOf(UnknownEpisodeException.class);
    assertThatThrownBy(() -> history.acknowledge("team-b", open, "alice", "", minute(5))).as("another tenant's episode")
        .isInstanceOf(UnknownEpisodeException.class);
    assertThatThrownBy(() -> history.acknowledge("team-a", open, " ", "", minute(5))).isInstanceOf(IllegalArgumentException.class);

    open();
    assertThat(history.openEpisodes("team-a")).singleElement()
        .satisfies(episode -> assertThat(episode.acknowledgement()).contains(new Acknowledgement(minute(2), "alice", "looking")));
    assertThat(history.episode("team-a", over)).hasValueSatisfying(
        episode -> assertThat(episode.acknowledgement()).contains(new Acknowledgement(minute(30), "carol", "")));
    assertThat(history.acknowledge("team-a", over, "dave", "", minute(40)).acknowledgement().orElseThrow().by()).isEqualTo("carol");
    // Resolved later, the episode keeps the acknowledgement it had while open.
    history.onTransitions(List.of(ERRORS.resolves(minute(50))));
    assertThat(history.episode("team-a", open)).hasValueSatisfying(episode -> {
      assertThat(episode.resolvedAt()).contains(minute(50));
      assertThat(episode.acknowledgement().orElseThrow().by()).isEqualTo("alice");
    });
  }

  @Test
  void retentionDeletesWholeOldFilesButNeverTheNewest() throws IOException {
    Alerts quiet = Alerts.of("team-b", "Quiet");
    history = AlertHistory.open(directory, Duration.ofDays(10), clock);
    for (int day = 0; day < 30; day++) {
      clock.set(T0.plus(Duration.ofDays(day)));
      history.onTransitions(List.of(ERRORS.pending(clock.instant())));
      history.onTransitions(List.of(ERRORS.stopsPending(clock.instant().plusSeconds(60))));
    }
    history.onTransitions(List.of(quiet.firesAtOnce(T0)));
    // Starting each day's file applied retention: 10 days back from the last day (2024-05-30) are kept.
    assertThat(fileNames("team-a")).hasSize(11);
    assertThat(directory.resolve("team-a").resolve("2024-05-20.history")).exists();
    assertThat(directory.resolve("team-a").resolve("2024-05-19.history")).doesNotExist();
    assertThat(episodes("team-a", T0, T0.plus(Duration.ofDays(40)))).hasSize(11);

    clock.set(T0.plus(Duration.ofDays(100)));
    history.close();
    history = AlertHistory.open(directory, Duration.ofDays(10), clock);
    assertThat(fileNames("team-a")).containsExactly("2024-05-30.history");
    assertThat(fileNames("team-b")).as("its only file, far past retention").containsExactly("2024-05-01.history");
    assertThat(history.openEpisodes("team-b")).as("the newest file keeps what is still open").extracting(AlertEpisode::rule).containsExactly("Quiet");
    assertThat(history.applyRetention()).isZero();
  }

  @Test
  void aTransitionFromInactiveWhileOpenEndsTheOpenEpisode() throws IOException {
    open();
    history.onTransitions(List.of(ERRORS.firesAtOnce(minute(0))));
    // The ruler restarted and lost its state: it sees the alert start again.
    history.onTransitions(List.of(ERRORS.pending(minute(5))));
    history.onTransitions(List.of(ERRORS.fires(minute(6))));
    List<AlertEpisode> episodes = episodes("team-a", T0, minute(10));
    assertThat(episodes).extracting(AlertEpisode::startedAt).containsExactly(minute(5), minute(0));
    assertThat(episodes.get(1).resolvedAt()).contains(minute(5));
    assertThat(history.openEpisodes("team-a")).extracting(AlertEpisode::startedAt).containsExactly(minute(5));
    open();
    assertThat(history.openEpisodes("team-a")).extracting(AlertEpisode::startedAt).containsExactly(minute(5));
  }

  @Test
  void refusesAnInvalidTenantAndASecondOpenOfTheSameDirectory() throws IOException {
    open();
    Alerts bad = Alerts.of("../evil", "X");
    assertThatThrownBy(() -> history.record(List.of(bad.firesAtOnce(minute(0))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../evil");
    history.onTransitions(List.of(bad.firesAtOnce(minute(0))));
    assertThat(history.writeFailures()).isEqualTo(1);
    assertThat(directory.getParent().resolve("evil")).doesNotExist();
    assertThatThrownBy(() -> AlertHistory.open(directory, AlertHistory.DEFAULT_RETENTION, clock)).isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void episodeIdsAreStableAndNameTheirDay() {
    String fingerprint = AlertFingerprint.of(ERRORS.labels());
    assertThat(EpisodeIds.of("team-a", fingerprint, minute(0))).isEqualTo(EpisodeIds.of("team-a", fingerprint, minute(0)))
        .isNotEqualTo(EpisodeIds.of("team-b", fingerprint, minute(0))).isNotEqualTo(EpisodeIds.of("team-a", fingerprint, minute(1)))
        .matches("20240501-[0-9a-f]{16}");
    assertThat(EpisodeIds.startDay(EpisodeIds.of("team-a", fingerprint, minute(0)))).contains(LocalDate.of(2024, 5, 1));
    assertThat(EpisodeIds.startDay("20241399-0123456789abcdef")).isEmpty();
    assertThat(EpisodeIds.startDay("x")).isEmpty();
  }
}
