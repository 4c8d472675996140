package dev.tonari.alerts.delivery.config;

import dev.tonari.query.template.Template;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** One way a receiver is notified: a Slack, webhook or Google Chat configuration. */
public sealed interface Integration permits Integration.Slack, Integration.Webhook, Integration.GoogleChat {
  /** The receiver type, as delivery figures and the outbox name it. */
  String type();

  /** Whether resolved alerts are notified too. */
  boolean sendResolved();

  /**
   * {@code slack_configs}: a Slack incoming webhook.
   *
   * @param apiUrl the webhook URL, or
   * @param apiUrlFile a file holding it (read at each notification, so it can be rotated)
   * @param channel overrides the webhook's channel (legacy webhooks only honour it)
   * @param username overrides the poster's name
   * @param title the header (Go template); empty for Tonari's default
   * @param text the message body (Go template); empty for the default
   */
  record Slack(Optional<URI> apiUrl, Optional<Path> apiUrlFile, Optional<String> channel, Optional<String> username, Optional<Template> title,
      Optional<Template> text, boolean sendResolved) implements Integration {
    public static final String TYPE = "slack";

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code webhook_configs}: Alertmanager's webhook JSON, for existing receivers.
   *
   * @param maxAlerts at most this many alerts per message (0: all); the rest are counted in
   *     {@code truncatedAlerts}
   */
  record Webhook(URI url, boolean sendResolved, int maxAlerts) implements Integration {
    public static final String TYPE = "webhook";

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code google_chat_configs} (Tonari's): a Google Chat space's incoming webhook, one thread per group. */
  record GoogleChat(URI url, boolean sendResolved, Optional<Template> title, Optional<Template> text) implements Integration {
    public static final String TYPE = "google_chat";

    @Override
    public String type() {
      return TYPE;
    }
  }
}
