package dev.tonari.alerts.delivery.receiver;

import dev.tonari.alerts.delivery.notify.Notification;
import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateExecutionException;
import dev.tonari.rules.alert.OutgoingAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The title and text of a chat message: the receiver's templates when it has them, else Tonari's
 * defaults, which read like Alertmanager's ({@code [FIRING:2] HighErrorRate api}). A template
 * that fails at run time is logged with its tenant and receiver and the default is used, so a
 * template mistake never swallows an alert.
 */
public final class MessageTexts {
  private static final Logger LOG = LoggerFactory.getLogger(MessageTexts.class);

  private MessageTexts() {}

  public static String title(Optional<Template> template, Notification notification) {
    return render(template, notification, "title").orElseGet(() -> defaultTitle(notification));
  }

  public static Optional<String> text(Optional<Template> template, Notification notification) {
    return render(template, notification, "text");
  }

  /** {@code [FIRING:n] <group label values> (<other common label values>)}, or {@code [RESOLVED] ...}. */
  public static String defaultTitle(Notification notification) {
    StringBuilder title = new StringBuilder("[").append(notification.status().toUpperCase(java.util.Locale.ROOT));
    if (notification.status().equals("firing")) {
      title.append(':').append(notification.firing().size());
    }
    title.append("] ");
    List<String> names = new ArrayList<>(notification.groupLabels().values());
    if (names.isEmpty()) {
      names.add(notification.commonLabels().getOrDefault("alertname", "alerts"));
    }
    title.append(String.join(" ", names));
    List<String> extra = new ArrayList<>();
    for (Map.Entry<String, String> label : notification.commonLabels().entrySet()) {
      if (!notification.groupLabels().containsKey(label.getKey()) && !(notification.groupLabels().isEmpty() && label.getKey().equals("alertname"))) {
        extra.add(label.getValue());
      }
    }
    if (!extra.isEmpty()) {
      title.append(" (").append(String.join(" ", extra)).append(')');
    }
    return title.toString();
  }

  /** What an alert says about itself: its summary, else its description, else its name. */
  public static String summary(OutgoingAlert alert) {
    String summary = alert.annotations().get("summary");
    if (summary == null || summary.isBlank()) {
      summary = alert.annotations().get("description");
    }
    if (summary == null || summary.isBlank()) {
      summary = alert.alertName().isEmpty() ? alert.labels().toString() : alert.alertName();
    }
    return summary;
  }

  private static Optional<String> render(Optional<Template> template, Notification notification, String field) {
    if (template.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(template.get().execute(notification.templateData()));
    } catch (TemplateExecutionException e) {
      LOG.error("tenant {} receiver {}: the {} template failed, using the default: {}", notification.tenant(), notification.receiver(), field, e.getMessage());
      return Optional.empty();
    }
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "\u2026";
  }

  static boolean isLink(String url) {
    return url.startsWith("http://") || url.startsWith("https://");
  }
}
