package dev.tonari.rules.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The {@code generatorURL} of Tonari's alerts: a Grafana Explore link to the rule's expression,
 * {@code <external URL>/explore?left=<JSON>}, as Loki's ruler builds it. Prometheus links to its
 * own expression browser ({@code /graph?g0.expr=...}), which Tonari does not have; Loki's users
 * look at alerts from Grafana, so the external URL is Grafana's, and the link opens the query
 * there over the last hour. With {@code ruler.datasource_uid} the link names the Loki data source;
 * without, Grafana uses its default. SLO rules (Sloth's PromQL) link without a data source, since
 * the Loki one cannot run them.
 */
final class GeneratorUrls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GeneratorUrls() {}

  static String explore(String externalUrl, Optional<String> datasourceUid, String expr, boolean logql) {
    ObjectNode left = JSON.createObjectNode();
    Optional<String> datasource = logql ? datasourceUid : Optional.empty();
    datasource.ifPresent(uid -> left.put("datasource", uid));
    ObjectNode query = left.putArray("queries").addObject();
    query.put("refId", "A");
    datasource.ifPresent(uid -> {
      ObjectNode node = query.putObject("datasource");
      node.put("type", "loki");
      node.put("uid", uid);
    });
    query.put("expr", expr);
    ObjectNode range = left.putObject("range");
    range.put("from", "now-1h");
    range.put("to", "now");
    try {
      return externalUrl + "/explore?left=" + URLEncoder.encode(JSON.writeValueAsString(left), StandardCharsets.UTF_8).replace("+", "%20");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write an Explore link for " + expr, e);
    }
  }
}
