package dev.tonari.alerts.delivery;

import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.OutgoingAlert;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the ruler's alerts to several sinks (the Alertmanager client and the built-in notifier),
 * so a tenant can use both. A sink that throws despite {@link AlertSink}'s contract is logged and
 * does not keep the alerts from the others.
 */
public final class AlertFanout implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger(AlertFanout.class);

  private final List<AlertSink> sinks;

  public AlertFanout(List<AlertSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public void send(String tenant, List<OutgoingAlert> alerts) {
    for (AlertSink sink : sinks) {
      try {
        sink.send(tenant, alerts);
      } catch (RuntimeException e) {
        LOG.error("alert sink {} failed for tenant {} with {} alerts", sink.getClass().getSimpleName(), tenant, alerts.size(), e);
      }
    }
  }
}
