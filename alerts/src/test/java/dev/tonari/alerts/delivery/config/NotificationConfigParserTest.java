package dev.tonari.alerts.delivery.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.YamlTree;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NotificationConfigParserTest {
  static final String CONFIG = """
      templates:
        title: '[{{ .Status | upper }}] {{ .CommonLabels.alertname }}'
        body: '{{ range .Alerts }}{{ .Annotations.summary }};{{ end }}'
      route:
        receiver: team
        group_by: [alertname]
        group_wait: 10s
        group_interval: 1m
        repeat_interval: 1h
        routes:
          - matchers: ['severity="page"', 'team=~"db|api"']
            receiver: pager
            group_by: ['...']
            continue: true
          - match: {severity: page}
            group_wait: 0s
      receivers:
        - name: team
          slack_configs:
            - api_url: https://hooks.slack.example/services/T/B/X
              channel: '#alerts'
              title: '{{ template "title" . }}'
              text: '{{ template "body" . }}'
        - name: pager
          webhook_configs:
            - url: http://pager.example/hook
              max_alerts: 5
          google_chat_configs:
            - url: https://chat.example/v1/spaces/S/messages?key=K&token=T
              send_resolved: false
      toil:
        weights: {page: 3}
      """;

  @Test
  void readsRoutesWithInheritanceReceiversAndTemplates() throws Exception {
    NotificationConfig config = NotificationConfigParser.parse("acme.yaml", CONFIG);
    Route root = config.route();
    assertThat(root.key()).isEqualTo("{}");
    assertThat(root.groupBy()).containsExactly("alertname");
    assertThat(root.groupWait()).isEqualTo(Duration.ofSeconds(10));
    Route pager = root.routes().get(0);
    assertThat(pager.key()).isEqualTo("{}/{severity=\"page\",team=~\"db|api\"}");
    assertThat(pager.groupByAll()).isTrue();
    assertThat(pager.groupInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(pager.continueMatching()).isTrue();
    Route web = root.routes().get(1);
    assertThat(web.receiver()).isEqualTo("team");
    assertThat(web.groupWait()).isZero();
    assertThat(web.repeatInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(web.groupBy()).containsExactly("alertname");

    assertThat(web.key()).isEqualTo("{}/{severity=\"page\"}");
    // continue: the page route matches and its later sibling is tried too
    assertThat(root.match(Map.of("severity", "page", "team", "db"))).containsExactly(pager, web);
    assertThat(root.match(Map.of("severity", "page", "team", "web"))).containsExactly(web);
    assertThat(root.match(Map.of("team", "other"))).containsExactly(root);

    Integration.Slack slack = (Integration.Slack) config.receiver("team").integrations().get(0);
    assertThat(slack.sendResolved()).isFalse();
    assertThat(slack.channel()).contains("#alerts");
    assertThat(slack.title().orElseThrow().execute(Map.of("Status", "firing", "CommonLabels", Map.of("alertname", "Down")))).isEqualTo("[FIRING] Down");
    assertThat(config.receiver("pager").integrations()).hasSize(2);
    assertThat(((Integration.Webhook) config.receiver("pager").integrations().get(0)).maxAlerts()).isEqualTo(5);
    assertThat(config.receiver("pager").integrations().get(1).sendResolved()).isFalse();
    YamlTree.Mapping toil = (YamlTree.Mapping) config.toilSection().orElseThrow();
    assertThat(toil.entries()).containsKey("weights");
    assertThat(toil.position().line()).isEqualTo(32);
  }

  @Test
  void reportsEveryProblemWithLineAndColumn() {
    String text = """
        route:
          receiver: nobody
          group_wait: 10 seconds
          routes:
            - matchers: ['severity=="page"']
              colour: blue
        receivers:
          - name: team
            webhook_configs:
              - url: ftp://example/hook
                max_alerts: -1
          - name: team
        inhibit_rules: []
        """;
    assertThatThrownBy(() -> NotificationConfigParser.parse("acme.yaml", text)).isInstanceOfSatisfying(NotificationConfigException.class, e -> {
      List<String> lines = e.problems().stream().map(ConfigProblem::format).toList();
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:2:13: error: route.receiver: no receiver named nobody"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:3:15: error: route.group_wait").contains("10 seconds"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:5:18: error: route.routes[0].matchers"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:6:7: error: unknown key 'colour' in a route"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:10:14: error: receiver team.webhook_configs[0].url must be an http"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:11:21: error: receiver team.webhook_configs[0].max_alerts"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:12:5: error: receiver team is defined twice (first at line 8"));
      assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("acme.yaml:13:1: error: unknown key 'inhibit_rules'"));
      assertThat(e.problems()).isSorted();
    });
  }

  @Test
  void reportsYamlSyntaxTemplateAndStructureErrors() {
    assertThatThrownBy(() -> NotificationConfigParser.parse("a.yaml", "route: [\n")).isInstanceOfSatisfying(NotificationConfigException.class,
        e -> assertThat(e.problems().get(0).format()).startsWith("a.yaml:1:9:").contains("invalid YAML"));
    String badTemplate = """
        route: {receiver: r}
        receivers:
          - name: r
            slack_configs:
              - api_url: https://hooks.example/x
                title: '{{ template "missing" . }}'
                text: '{{ .Status '
        """;
    assertThatThrownBy(() -> NotificationConfigParser.parse("t.yaml", badTemplate)).isInstanceOfSatisfying(NotificationConfigException.class, e -> {
      assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(6, 7);
      assertThat(e.problems().get(0).message()).contains("template \"missing\" is not defined");
    });
    assertThatThrownBy(() -> NotificationConfigParser.parse("e.yaml", "")).isInstanceOf(NotificationConfigException.class).hasMessageContaining("e.yaml:1:1");
    assertThatThrownBy(() -> NotificationConfigParser.parse("r.yaml", "route:\n  receiver: r\n  matchers: ['a=\"b\"']\nreceivers: [{name: r}]\n"))
        .hasMessageContaining("r.yaml:2:3: error: the root route must not have matchers");
  }

  @Test
  void namedTemplatesKeepTrimMarkersAndRefuseCycles() throws Exception {
    NamedTemplates templates = new NamedTemplates(Map.of("a", "A{{ template \"b\" . }}", "b", "B", "loop", "{{ template \"loop\" . }}"));
    assertThat(templates.compile("t", "x  {{- template \"a\" . -}}  y").execute(Map.of())).isEqualTo("xABy");
    assertThatThrownBy(() -> templates.compile("t", "{{ template \"loop\" . }}")).hasMessageContaining("uses itself");
  }

  @Test
  void throwsOnlyItsProblemTypeOnGarbage() {
    Random random = new Random(20_260_101L);
    String[] pieces = {"route:", "receivers:", "  - name: x\n", "matchers: ['", "\"", "{{", "}}", "group_by: [...]", "\n", "  ", ": ", "- ", "[", "]", "{", "}",
        "&a ", "*a ", "!!binary ", "0x", "'", "#", "receiver: x\n", "routes:\n", "webhook_configs: [{url: http://x}]\n", "\t", "\u0000", "\uffff", "🙂"};
    for (int run = 0; run < 3000; run++) {
      StringBuilder text = new StringBuilder();
      if (random.nextBoolean()) {
        text.append(CONFIG, 0, random.nextInt(CONFIG.length()));
      }
      int count = random.nextInt(30);
      for (int i = 0; i < count; i++) {
        text.append(random.nextInt(4) == 0 ? String.valueOf((char) random.nextInt(0x80)) : pieces[random.nextInt(pieces.length)]);
      }
      String input = text.toString();
      try {
        NotificationConfigParser.parse("fuzz.yaml", input);
      } catch (NotificationConfigException e) {
        assertThat(e.problems()).isNotEmpty();
        assertThat(e.problems()).allSatisfy(problem -> assertThat(problem.line()).isPositive());
        assertThat(e.problems()).noneSatisfy(problem -> assertThat(problem.message()).contains("internal error"));
      } catch (RuntimeException e) {
        throw new AssertionError("parser threw " + e + " for input:\n" + input, e);
      }
    }
  }
}
