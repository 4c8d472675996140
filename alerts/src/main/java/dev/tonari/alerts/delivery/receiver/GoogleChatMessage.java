package dev.tonari.alerts.delivery.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.alerts.delivery.config.Integration;
import dev.tonari.alerts.delivery.notify.Notification;
import dev.tonari.rules.alert.OutgoingAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A Google Chat incoming-webhook message with a {@code cardsV2} card: a header (title, and how
 * many alerts fire and resolved), the receiver's text if any, then a section per alert (summary,
 * labels, a button to the generator URL). Every notification of an aggregation group goes to one
 * thread: the group key is the {@code threadKey}, in the body's {@code thread} and as the
 * {@code threadKey} query parameter, with {@code messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD}
 * so that Chat replies in the thread and starts it when it does not exist yet.
 */
public final class GoogleChatMessage {
  public static final int MAX_ALERT_SECTIONS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoogleChatMessage() {}

  public static RenderedRequest render(Integration.GoogleChat config, Notification notification) {
    return new RenderedRequest(threadUrl(config.url().toString(), notification.groupKey()), "", "", Map.of(), body(config, notification), Optional.empty());
  }

  /** The webhook URL with the thread parameters appended (webhook URLs already carry key and token). */
  public static String threadUrl(String url, String groupKey) {
    String separator = url.contains("?") ? "&" : "?";
    return url + separator + "threadKey=" + URLEncoder.encode(groupKey, StandardCharsets.UTF_8) + "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";
  }

  static String body(Integration.GoogleChat config, Notification notification) {
    String title = MessageTexts.title(config.title(), notification);
    Optional<String> text = MessageTexts.text(config.text(), notification);
    ObjectNode root = JSON.createObjectNode();
    root.put("text", title);
    ObjectNode cardWithId = root.putArray("cardsV2").addObject();
    cardWithId.put("cardId", "tonari-alerts");
    ObjectNode card = cardWithId.putObject("card");
    card.putObject("header").put("title", title).put("subtitle", notification.firing().size() + " firing, " + notification.resolvedAlerts().size() + " resolved");
    ArrayNode sections = card.putArray("sections");
    if (text.isPresent() && !text.get().isBlank()) {
      sections.addObject().putArray("widgets").addObject().putObject("textParagraph").put("text", escape(text.get()));
    }
    int shown = 0;
    for (OutgoingAlert alert : notification.alerts()) {
      if (shown == MAX_ALERT_SECTIONS) {
        break;
      }
      shown++;
      ObjectNode section = sections.addObject();
      section.put("header", escape(notification.status(alert).toUpperCase(java.util.Locale.ROOT) + ": " + MessageTexts.summary(alert)));
      ArrayNode widgets = section.putArray("widgets");
      String description = alert.annotations().get("description");
      if (description != null && !description.isBlank()) {
        widgets.addObject().putObject("textParagraph").put("text", escape(description));
      }
      StringBuilder labels = new StringBuilder();
      alert.labels().forEach((name, value) -> labels.append(labels.isEmpty() ? "" : ", ").append(name).append('=').append(value));
      widgets.addObject().putObject("decoratedText").put("topLabel", "Labels").put("text", escape(labels.toString())).put("wrapText", true);
      if (MessageTexts.isLink(alert.generatorUrl())) {
        ObjectNode button = widgets.addObject().putObject("buttonList").putArray("buttons").addObject();
        button.put("text", "Source");
        button.putObject("onClick").putObject("openLink").put("url", alert.generatorUrl());
      }
    }
    if (notification.alerts().size() > shown) {
      sections.addObject().putArray("widgets").addObject().putObject("textParagraph").put("text", "and " + (notification.alerts().size() - shown) + " more alerts");
    }
    root.putObject("thread").put("threadKey", notification.groupKey());
    return root.toString();
  }

  /** Card text is a small HTML subset: alert text must not become markup. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
