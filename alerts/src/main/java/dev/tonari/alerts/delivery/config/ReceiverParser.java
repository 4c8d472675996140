package dev.tonari.alerts.delivery.config;

import dev.tonari.query.template.Template;
import dev.tonari.query.template.TemplateParseException;
import dev.tonari.tenancy.config.YamlTree;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code receivers:} list: names and their Slack, webhook and Google Chat configs. */
final class ReceiverParser {
  private static final Set<String> RECEIVER_KEYS = Set.of("name", "slack_configs", "webhook_configs", "google_chat_configs");
  private static final Set<String> SLACK_KEYS = Set.of("api_url", "api_url_file", "channel", "username", "title", "text", "send_resolved");
  private static final Set<String> WEBHOOK_KEYS = Set.of("url", "send_resolved", "max_alerts");
  private static final Set<String> GOOGLE_CHAT_KEYS = Set.of("url", "send_resolved", "title", "text");

  private final YamlFields fields;
  private final NamedTemplates templates;
  private final Optional<URI> globalSlackUrl;
  private final Optional<Path> globalSlackUrlFile;

  ReceiverParser(YamlFields fields, NamedTemplates templates, Optional<URI> globalSlackUrl, Optional<Path> globalSlackUrlFile) {
    this.fields = fields;
    this.templates = templates;
    this.globalSlackUrl = globalSlackUrl;
    this.globalSlackUrlFile = globalSlackUrlFile;
  }

  Map<String, Receiver> parse(YamlTree.Node node) {
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    Map<String, YamlTree.Position> firstSeen = new LinkedHashMap<>();
    for (YamlTree.Node item : fields.sequence(node, "receivers").orElse(List.of())) {
      Optional<YamlTree.Mapping> mapping = fields.mapping(item, "receivers[]");
      if (mapping.isEmpty()) {
        continue;
      }
      fields.onlyKeys(mapping.get(), "a receiver", RECEIVER_KEYS);
      Optional<String> name = fields.requiredString(mapping.get(), "name", "receiver");
      if (name.isEmpty()) {
        continue;
      }
      String what = "receiver " + name.get();
      List<Integration> integrations = new ArrayList<>();
      fields.node(mapping.get(), "slack_configs").ifPresent(list -> each(list, what + ".slack_configs", (config, at) -> slack(config, at).ifPresent(integrations::add)));
      fields.node(mapping.get(), "webhook_configs").ifPresent(list -> each(list, what + ".webhook_configs", (config, at) -> webhook(config, at).ifPresent(integrations::add)));
      fields.node(mapping.get(), "google_chat_configs").ifPresent(list -> each(list, what + ".google_chat_configs", (config, at) -> googleChat(config, at).ifPresent(integrations::add)));
      YamlTree.Position position = mapping.get().entries().get("name").keyPosition();
      YamlTree.Position previous = firstSeen.putIfAbsent(name.get(), position);
      if (previous != null) {
        fields.problem(position, "receiver " + name.get() + " is defined twice (first at line " + previous.line() + " column " + previous.column() + ")");
      } else {
        receivers.put(name.get(), new Receiver(name.get(), integrations));
      }
    }
    return receivers;
  }

  private interface ConfigReader {
    void read(YamlTree.Mapping config, String what);
  }

  private void each(YamlTree.Node list, String what, ConfigReader reader) {
    List<YamlTree.Node> items = fields.sequence(list, what).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      String at = what + "[" + i + "]";
      fields.mapping(items.get(i), at).ifPresent(config -> reader.read(config, at));
    }
  }

  private Optional<Integration> slack(YamlTree.Mapping config, String what) {
    fields.onlyKeys(config, "a slack config", SLACK_KEYS);
    Optional<URI> url = fields.url(config, "api_url", what);
    Optional<Path> file = fields.string(config, "api_url_file", what).map(Path::of);
    if (config.entries().containsKey("api_url") && config.entries().containsKey("api_url_file")) {
      fields.problem(config.entries().get("api_url_file").keyPosition(), what + ": api_url and api_url_file are mutually exclusive");
    }
    if (!config.entries().containsKey("api_url") && !config.entries().containsKey("api_url_file")) {
      url = globalSlackUrl;
      file = globalSlackUrlFile;
      if (url.isEmpty() && file.isEmpty()) {
        fields.problem(config.position(), what + ": api_url or api_url_file is required (or global.slack_api_url)");
        return Optional.empty();
      }
    }
    Optional<Template> title = template(config, "title", what);
    Optional<Template> text = template(config, "text", what);
    return Optional.of(new Integration.Slack(url, file, fields.string(config, "channel", what), fields.string(config, "username", what), title, text,
        fields.bool(config, "send_resolved", what, false)));
  }

  private Optional<Integration> webhook(YamlTree.Mapping config, String what) {
    fields.onlyKeys(config, "a webhook config", WEBHOOK_KEYS);
    Optional<URI> url = fields.url(config, "url", what);
    if (!config.entries().containsKey("url")) {
      fields.problem(config.position(), what + ": 'url' is required");
    }
    boolean sendResolved = fields.bool(config, "send_resolved", what, true);
    int maxAlerts = fields.nonNegativeInt(config, "max_alerts", what, 0);
    return url.map(u -> new Integration.Webhook(u, sendResolved, maxAlerts));
  }

  private Optional<Integration> googleChat(YamlTree.Mapping config, String what) {
    fields.onlyKeys(config, "a google chat config", GOOGLE_CHAT_KEYS);
    Optional<URI> url = fields.url(config, "url", what);
    if (!config.entries().containsKey("url")) {
      fields.problem(config.position(), what + ": 'url' is required");
    }
    boolean sendResolved = fields.bool(config, "send_resolved", what, true);
    Optional<Template> title = template(config, "title", what);
    Optional<Template> text = template(config, "text", what);
    return url.map(u -> new Integration.GoogleChat(u, sendResolved, title, text));
  }

  private Optional<Template> template(YamlTree.Mapping config, String key, String what) {
    Optional<String> text = fields.string(config, key, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(templates.compile(key, text.get()));
    } catch (TemplateParseException e) {
      fields.problem(fields.node(config, key).orElseThrow().position(), what + "." + key + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
