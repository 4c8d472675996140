package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.alerts.delivery.alertmanager.AlertmanagerClientConfig;
import dev.tonari.rules.remotewrite.RemoteWriteClientSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code ruler} section: Loki's key names for evaluation and delivery, and their errors. */
class RulerConfigTest {
  @Test
  void everyKeyOfTheRulerSectionReadsAsWritten() throws Exception {
    ServerConfig config = ServerConfig.parse("""
        ruler:
          rules_dir: /etc/tonari/rules
          enable_api: false
          poll_interval: 30s
          evaluation_interval: 30s
          resend_delay: 2m
          external_url: https://grafana.example.com
          external_labels: {cluster: eu-1}
          alertmanager_url: http://am-1:9093,http://am-2:9093
          alertmanager_client:
            basic_auth_username: ruler
            basic_auth_password: secret
          notification_queue_capacity: 500
          notification_timeout: 5s
          notifications_dir: /etc/tonari/notifications
          history_retention: 90d
          remote_write:
            clients:
              mimir:
                url: http://mimir:9009/api/v1/push
                remote_timeout: 10s
                authorization: {credentials: token}
                queue_config: {capacity: 100, max_samples_per_send: 50}
        """, "tonari.yaml");
    RulerConfig ruler = config.ruler();
    assertThat(ruler.rules().rulesDirectory()).contains(Path.of("/etc/tonari/rules"));
    assertThat(ruler.rules().apiEnabled()).isFalse();
    assertThat(ruler.rules().pollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ruler.rules().evaluation().evaluationInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ruler.rules().evaluation().resendDelay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(ruler.rules().evaluation().externalUrl()).isEqualTo("https://grafana.example.com");
    assertThat(ruler.rules().evaluation().externalLabels()).isEqualTo(Map.of("cluster", "eu-1"));

    AlertmanagerClientConfig alertmanager = ruler.alerting().alertmanager().orElseThrow();
    assertThat(alertmanager.urls()).containsExactly(URI.create("http://am-1:9093"), URI.create("http://am-2:9093"));
    assertThat(alertmanager.basicAuthUsername()).contains("ruler");
    assertThat(alertmanager.basicAuthPassword()).contains("secret");
    assertThat(alertmanager.queueCapacity()).isEqualTo(500);
    assertThat(alertmanager.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(ruler.alerting().notificationsDirectory()).contains(Path.of("/etc/tonari/notifications"));
    assertThat(ruler.alerting().historyRetention()).isEqualTo(Duration.ofDays(90));

    assertThat(ruler.alerting().remoteWrite().enabled()).isTrue();
    RemoteWriteClientSettings mimir = ruler.alerting().remoteWrite().clients().get("mimir");
    assertThat(mimir.url()).isEqualTo(URI.create("http://mimir:9009/api/v1/push"));
    assertThat(mimir.remoteTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(mimir.authorizationHeader()).contains("Bearer token");
    assertThat(mimir.queue().capacity()).isEqualTo(100);
    assertThat(mimir.queue().maxSamplesPerSend()).isEqualTo(50);
  }

  @Test
  void withoutTheSectionNothingIsDelivered() throws Exception {
    RulerConfig ruler = ServerConfig.parse("", "empty.yaml").ruler();
    assertThat(ruler.alerting().alertmanager()).isEqualTo(Optional.empty());
    assertThat(ruler.alerting().remoteWrite().enabled()).isFalse();
    assertThat(ruler.rules().evaluation().evaluationInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(ruler.rules().evaluation().resendDelay()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void badValuesNameTheirKey() {
    for (var bad : List.of(
        Map.entry("ruler:\n  alertmanager_url: ftp://am:9093\n", "ruler.alertmanager_url"),
        Map.entry("ruler:\n  external_url: grafana\n", "ruler.external_url must be an http or https URL"),
        Map.entry("ruler:\n  alertmanager_client: {basic_auth_username: x}\n", "ruler.alertmanager_client is set but ruler.alertmanager_url is not"),
        Map.entry("ruler:\n  alertmanager_url: http://am:9093\n  alertmanager_client: {basic_auth_username: x}\n",
            "basic_auth_username and basic_auth_password go together"),
        Map.entry("ruler:\n  remote_write:\n    clients:\n      mimir: {remote_timeout: 5s}\n", "ruler.remote_write.clients.mimir.url is required"),
        Map.entry("ruler:\n  resend_delay: 0s\n", "resend_delay must be positive"),
        Map.entry("ruler:\n  evaluation_intervall: 1m\n", "evaluation_interval"))) {
      assertThatThrownBy(() -> ServerConfig.parse(bad.getKey(), "tonari.yaml")).as(bad.getKey())
          .isInstanceOf(ServerConfig.ConfigException.class).hasMessageContaining(bad.getValue());
    }
  }
}
