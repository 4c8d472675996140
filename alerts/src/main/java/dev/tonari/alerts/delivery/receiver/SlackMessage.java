package dev.tonari.alerts.delivery.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.config.Integration;
import dev.tonari.alerts.delivery.notify.Notification;
import dev.tonari.rules.alert.OutgoingAlert;
import java.util.Map;
import java.util.Optional;

/**
 * A Slack incoming-webhook message in Block Kit: a {@code header} block with the title, the
 * receiver's text (if it has a template) in a {@code section}, then one {@code section} per alert
 * (status and summary, its labels, its {@code value} annotation if any) with a {@code button}
 * accessory linking to the alert's generator URL; {@code text} carries the same as plain text for
 * notifications and clients without blocks. Slack answers 200 with the body {@code ok}.
 *
 * <p>Slack's limits shape it: a header is at most 150 characters, a section's text 3000, a
 * message 50 blocks, so at most {@link #MAX_ALERT_SECTIONS} alerts get a section and a last
 * {@code context} block counts the rest.
 */
public final class SlackMessage {
  public static final int MAX_ALERT_SECTIONS = 20;
  private static final int MAX_HEADER = 150;
  private static final int MAX_SECTION = 3000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackMessage() {}

  public static RenderedRequest render(Integration.Slack config, Notification notification) {
    String url = config.apiUrl().map(Object::toString).orElse("");
    String file = config.apiUrlFile().map(Object::toString).orElse("");
    return new RenderedRequest(url, url.isEmpty() ? file : "", "", Map.of(), body(config, notification), Optional.of("ok"));
  }

  static String body(Integration.Slack config, Notification notification) {
    String title = MessageTexts.title(config.title(), notification);
    Optional<String> text = MessageTexts.text(config.text(), notification);
    ObjectNode root = JSON.createObjectNode();
    config.channel().ifPresent(channel -> root.put("channel", channel));
    config.username().ifPresent(username -> root.put("username", username));
    StringBuilder fallback = new StringBuilder(title);
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", MessageTexts.truncate(title, MAX_HEADER)).put("emoji", true);
    if (text.isPresent() && !text.get().isBlank()) {
      section(blocks, text.get());
      fallback.append('\n').append(text.get());
    }
    int shown = 0;
    for (OutgoingAlert alert : notification.alerts()) {
      if (shown == MAX_ALERT_SECTIONS) {
        break;
      }
      shown++;
      StringBuilder mrkdwn = new StringBuilder();
      mrkdwn.append('*').append(notification.status(alert).toUpperCase(java.util.Locale.ROOT)).append("* ").append(escape(MessageTexts.summary(alert)));
      String description = alert.annotations().get("description");
      if (description != null && !description.isBlank() && !description.equals(MessageTexts.summary(alert))) {
        mrkdwn.append('\n').append(escape(description));
      }
      String value = alert.annotations().get("value");
      if (value != null && !value.isBlank()) {
        mrkdwn.append("\n*Value:* ").append(escape(value));
      }
      StringBuilder labels = new StringBuilder();
      alert.labels().forEach((name, labelValue) -> labels.append(labels.isEmpty() ? "" : ", ").append('`').append(name).append('=').append(labelValue.replace("`", "'")).append('`'));
      mrkdwn.append("\n*Labels:* ").append(labels);
      ObjectNode section = section(blocks, mrkdwn.toString());
      if (MessageTexts.isLink(alert.generatorUrl())) {
        ObjectNode button = section.putObject("accessory").put("type", "button");
        button.putObject("text").put("type", "plain_text").put("text", "Source");
        button.put("url", alert.generatorUrl());
      }
      fallback.append('\n').append(notification.status(alert)).append(": ").append(MessageTexts.summary(alert));
    }
    if (notification.alerts().size() > shown) {
      ObjectNode context = blocks.addObject().put("type", "context");
      context.putArray("elements").addObject().put("type", "mrkdwn").put("text", "and " + (notification.alerts().size() - shown) + " more alerts");
    }
    root.put("text", fallback.toString());
    return root.toString();
  }

  private static ObjectNode section(ArrayNode blocks, String mrkdwn) {
    ObjectNode section = blocks.addObject().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", MessageTexts.truncate(mrkdwn, MAX_SECTION));
    return section;
  }

  /** Slack reads {@code <}, {@code >} and {@code &} as markup ({@code <!channel>} pings everyone). */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
