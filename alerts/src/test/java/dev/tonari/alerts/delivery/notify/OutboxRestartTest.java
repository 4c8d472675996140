package dev.tonari.alerts.delivery.notify;

import static dev.tonari.alerts.delivery.notify.NotifierFixture.T0;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.TENANT;
import static dev.tonari.alerts.delivery.notify.NotifierFixture.firing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.alerts.delivery.RecordingServer;
import dev.tonari.rules.alert.OutgoingAlert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox across restarts, retries and dead letters. */
class OutboxRestartTest {
  @TempDir Path temp;

  private static long files(Path directory) throws Exception {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.count();
    }
  }

  @Test
  void aPendingNotificationIsSentOnceAfterARestartAndNotRenotified() throws Exception {
    try (RecordingServer hook = new RecordingServer()) {
      hook.answer(503, "starting up");
      try (NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "[alertname]"))) {
        OutgoingAlert down = firing("Down", Map.of("job", "api"), T0);
        fixture.notifier.send(TENANT, List.of(down));
        fixture.tickAndDrain(T0);
        fixture.tickAndDrain(T0.plusSeconds(30));
        assertThat(hook.requests()).hasSize(1);
        assertThat(fixture.notifier.pending(TENANT)).hasSize(1);
        assertThat(files(temp.resolve("state/outbox/pending"))).isEqualTo(1);

        fixture.restart();
        assertThat(fixture.notifier.pending(TENANT)).hasSize(1);
        // The ruler sends the alert again after the restart; the group forms anew and flushes,
        // but the log (on disk) says this receiver already has it.
        fixture.notifier.send(TENANT, List.of(down));
        fixture.tickAndDrain(T0.plusSeconds(40));
        assertThat(fixture.notifier.tick(T0.plusSeconds(41))).isZero();
        assertThat(hook.requests()).hasSize(2);
        assertThat(fixture.notifier.pending(TENANT)).isEmpty();
        assertThat(files(temp.resolve("state/outbox/pending"))).isZero();
        fixture.tickAndDrain(T0.plus(Duration.ofMinutes(6)));
        fixture.restart();
        fixture.notifier.send(TENANT, List.of(down));
        fixture.tickAndDrain(T0.plus(Duration.ofMinutes(7)));
        fixture.tickAndDrain(T0.plus(Duration.ofMinutes(8)));
        assertThat(hook.requests()).hasSize(2);
        assertThat(hook.requests().get(1).body()).isEqualTo(hook.requests().get(0).body());
      }
    }
  }

  @Test
  void aCrashBeforeTheLogWasWrittenIsRepairedFromTheOutbox() throws Exception {
    try (RecordingServer hook = new RecordingServer()) {
      hook.answer(503, "down");
      try (NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "[alertname]"))) {
        OutgoingAlert down = firing("Down", Map.of("job", "api"), T0);
        fixture.notifier.send(TENANT, List.of(down));
        fixture.tickAndDrain(T0);
        fixture.tickAndDrain(T0.plusSeconds(30));
        fixture.notifier.close();
        // As if the process died after writing the outbox item and before persisting the log.
        try (Stream<Path> logs = Files.list(temp.resolve("state/nflog"))) {
          for (Path log : logs.toList()) {
            Files.delete(log);
          }
        }
        fixture.notifier = fixture.open();
        fixture.notifier.send(TENANT, List.of(down));
        fixture.tickAndDrain(T0.plusSeconds(40));
        fixture.tickAndDrain(T0.plusSeconds(70));
        assertThat(hook.requests()).hasSize(2);
        assertThat(fixture.notifier.pending(TENANT)).isEmpty();
      }
    }
  }

  @Test
  void afterTheLastAttemptANotificationIsADeadLetterThatCanBeRetriedOrDiscarded() throws Exception {
    try (RecordingServer hook = new RecordingServer()) {
      hook.answer(500, "broken").answer(502, "bad gateway").answer(500, "still broken").answer(400, "bad payload");
      try (NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "['...']"))) {
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "api"), T0)));
        fixture.tickAndDrain(T0);
        fixture.tickAndDrain(T0.plusSeconds(30));
        fixture.tickAndDrain(T0.plusSeconds(60));
        fixture.tickAndDrain(T0.plusSeconds(90));
        assertThat(hook.requests()).hasSize(3);
        assertThat(fixture.notifier.pending(TENANT)).isEmpty();
        OutboxItem dead = fixture.notifier.deadLetters(TENANT).get(0);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("500").contains("still broken");
        assertThat(fixture.stats.deadLettered()).containsEntry("webhook", 1L);
        assertThat(fixture.stats.failedAttempts()).containsEntry("webhook", 3L);

        // A 4xx is not retried: straight to the dead letters.
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of("job", "web"), T0.plusSeconds(100))));
        fixture.tickAndDrain(T0.plusSeconds(100));
        fixture.tickAndDrain(T0.plusSeconds(160));
        assertThat(hook.requests()).hasSize(4);
        assertThat(fixture.notifier.deadLetters(TENANT)).hasSize(2);

        // Dead letters survive a restart.
        fixture.restart();
        assertThat(fixture.notifier.deadLetters(TENANT)).hasSize(2);
        assertThat(fixture.notifier.deadLetters("other")).isEmpty();
        assertThat(fixture.notifier.retryDeadLetter(dead.id())).isTrue();
        assertThat(fixture.notifier.retryDeadLetter(dead.id())).isFalse();
        assertThat(fixture.notifier.pending(TENANT)).singleElement().satisfies(item -> assertThat(item.attempts()).isZero());
        assertThat(fixture.notifier.drain(T0.plusSeconds(200))).isEqualTo(1);
        assertThat(hook.requests()).hasSize(5);
        assertThat(hook.requests().get(4).body()).isEqualTo(hook.requests().get(0).body());
        String other = fixture.notifier.deadLetters(TENANT).get(0).id();
        assertThat(fixture.notifier.discard(other)).isTrue();
        assertThat(fixture.notifier.discard(other)).isFalse();
        assertThat(fixture.notifier.deadLetters(TENANT)).isEmpty();
        assertThat(files(temp.resolve("state/outbox/dead"))).isZero();
      }
    }
  }

  @Test
  void aDamagedItemIsSetAsideNotSent() throws Exception {
    try (RecordingServer hook = new RecordingServer()) {
      hook.answer(503, "down");
      try (NotifierFixture fixture = new NotifierFixture(temp, NotifierFixture.webhookConfig(hook.url("/hook"), true, "[alertname]"))) {
        fixture.notifier.send(TENANT, List.of(firing("Down", Map.of(), T0)));
        fixture.tickAndDrain(T0);
        fixture.tickAndDrain(T0.plusSeconds(30));
        fixture.notifier.close();
        Path item;
        try (Stream<Path> pending = Files.list(temp.resolve("state/outbox/pending"))) {
          item = pending.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(item);
        Files.write(item, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        fixture.notifier = fixture.open();
        assertThat(fixture.notifier.pending(TENANT)).isEmpty();
        assertThat(temp.resolve("state/outbox/damaged").resolve(item.getFileName())).exists();
        fixture.notifier.drain(T0.plusSeconds(100));
        assertThat(hook.requests()).hasSize(1);
      }
    }
  }
}
