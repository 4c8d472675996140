package dev.tonari.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.OutgoingAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertFanoutTest {
  /** An in-memory sink. */
  private static final class CollectingSink implements AlertSink {
    final List<String> received = new ArrayList<>();

    @Override
    public void send(String tenant, List<OutgoingAlert> alerts) {
      alerts.forEach(alert -> received.add(tenant + ":" + alert.alertName()));
    }
  }

  @Test
  void everySinkGetsTheAlertsEvenWhenOneThrows() {
    CollectingSink first = new CollectingSink();
    CollectingSink last = new CollectingSink();
    AlertSink broken = (tenant, alerts) -> {
      throw new IllegalStateException("broken sink");
    };
    OutgoingAlert alert = new OutgoingAlert(Map.of("alertname", "Down"), Map.of(), Instant.EPOCH, Instant.EPOCH.plusSeconds(60), "");
    new AlertFanout(List.of(first, broken, last)).send("acme", List.of(alert));
    assertThat(first.received).containsExactly("acme:Down");
    assertThat(last.received).containsExactly("acme:Down");
  }
}
