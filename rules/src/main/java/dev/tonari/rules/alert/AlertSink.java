package dev.tonari.rules.alert;

import java.util.List;

/**
 * Where the ruler hands the alerts to send after each group evaluation (Alertmanager clients, the
 * built-in notifier). An implementation must not block on the network nor throw: an unreachable
 * receiver never holds up evaluation, so it queues (the outbox) and returns.
 */
public interface AlertSink {
  void send(String tenant, List<OutgoingAlert> alerts);
}
