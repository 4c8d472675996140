package dev.tonari.rules.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.rules.remotewrite.RemoteWriteClientSettings.QueueConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteWriteSettingsTest {
  private static final URI URL = URI.create("http://mimir:8080/api/v1/push");
  private static final RemoteWriteClientSettings CLIENT = RemoteWriteClientSettings.of("mimir", URL);

  @Test
  void defaultsArePrometheusRemoteWriteOnes() {
    assertThat(CLIENT.remoteTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(CLIENT.queue()).isEqualTo(new QueueConfig(2500, 500, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5), 10));
    assertThat(CLIENT.authorizationHeader()).isEmpty();
    assertThat(RemoteWriteSettings.disabled().enabled()).isFalse();
    assertThat(RemoteWriteSettings.disabled().addOrgIdHeader()).isTrue();
    assertThat(RemoteWriteSettings.of(CLIENT).clients()).containsOnlyKeys("mimir");
  }

  @Test
  void enabledWithoutClientsIsAnError() {
    assertThatThrownBy(() -> new RemoteWriteSettings(true, Map.of(), true))
        .hasMessage("ruler.remote_write.clients: remote write is enabled (ruler.remote_write.enabled) but no clients are configured");
  }

  @Test
  void aClientIsNamedByItsKey() {
    assertThatThrownBy(() -> new RemoteWriteSettings(true, Map.of("other", CLIENT), true))
        .hasMessageStartingWith("ruler.remote_write.clients.other: its settings are named mimir");
    assertThatThrownBy(() -> RemoteWriteSettings.of(CLIENT, CLIENT)).hasMessage("ruler.remote_write.clients.mimir is given twice");
  }

  @Test
  void urlProblemsNameTheKey() {
    assertThatThrownBy(() -> RemoteWriteClientSettings.of("m", URI.create("ftp://host/write")))
        .hasMessageStartingWith("ruler.remote_write.clients.m.url ftp://host/write: expected an http or https URL");
    assertThatThrownBy(() -> RemoteWriteClientSettings.of("m", URI.create("http://user:secret@host/write")))
        .hasMessageContaining("ruler.remote_write.clients.m.url").hasMessageContaining("use basic_auth");
    assertThatThrownBy(() -> RemoteWriteClientSettings.of("m", URI.create("http:///write"))).hasMessageContaining("names no host");
    assertThat(RemoteWriteClientSettings.of("m", URI.create("https://host/api/v1/push?tenant=a")).url().getQuery()).isEqualTo("tenant=a");
  }

  @Test
  void timeoutAndQueueProblemsNameTheKey() {
    assertThatThrownBy(() -> CLIENT.withRemoteTimeout(Duration.ZERO))
        .hasMessage("ruler.remote_write.clients.mimir.remote_timeout must be positive, got PT0S");
    QueueConfig defaults = QueueConfig.defaults();
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(0, 1, defaults.batchSendDeadline(), defaults.minBackoff(), defaults.maxBackoff(), 1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.capacity must be between 1 and 1000000 (the limit of samples a queue holds), got 0");
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(10, 0, defaults.batchSendDeadline(), defaults.minBackoff(), defaults.maxBackoff(), 1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.max_samples_per_send must be at least 1, got 0");
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(10, 1, Duration.ZERO, defaults.minBackoff(), defaults.maxBackoff(), 1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.batch_send_deadline must be positive, got PT0S");
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(10, 1, Duration.ofSeconds(1), Duration.ofMillis(-1), defaults.maxBackoff(), 1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.min_backoff must be positive, got PT-0.001S");
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(10, 1, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.max_backoff (PT1S) must not be less than queue_config.min_backoff (PT2S)");
    assertThatThrownBy(() -> CLIENT.withQueue(new QueueConfig(10, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), -1)))
        .hasMessage("ruler.remote_write.clients.mimir.queue_config.max_retries must be between 0 and 1000, got -1");
  }

  @Test
  void aBatchIsNeverLargerThanTheQueue() {
    QueueConfig small = new QueueConfig(100, 500, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofSeconds(1), 3);
    assertThat(small.batchSize()).isEqualTo(100);
    assertThat(QueueConfig.defaults().batchSize()).isEqualTo(500);
  }

  @Test
  void headersTheProtocolSetsOrThatCarryTheTenantAreRefused() {
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("X-Scope-OrgID", "a")))
        .hasMessage("ruler.remote_write.clients.mimir.headers.X-Scope-OrgID is not allowed: X-Scope-OrgID is set per tenant"
            + " (ruler.remote_write.add_org_id_header)");
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("content-encoding", "gzip")))
        .hasMessage("ruler.remote_write.clients.mimir.headers.content-encoding is not allowed: remote write sets this header itself");
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("Authorization", "Bearer x")))
        .hasMessageContaining("headers.Authorization is not allowed").hasMessageContaining("use basic_auth or authorization");
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("Bad Name", "x")))
        .hasMessage("ruler.remote_write.clients.mimir.headers.Bad Name is not a valid HTTP header name");
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("X-Team", "a\r\nX-Evil: 1")))
        .hasMessage("ruler.remote_write.clients.mimir.headers.X-Team contains a line break");
    assertThatThrownBy(() -> CLIENT.withHeaders(Map.of("X-Team", "a", "x-team", "b")))
        .hasMessageContaining("is given twice (header names ignore case)");
    assertThat(CLIENT.withHeaders(Map.of("X-Team", "logs")).headers()).containsEntry("x-team", "logs");
  }

  @Test
  void authenticationIsBasicOrAuthorizationNotBoth() {
    assertThat(CLIENT.withBasicAuth("tonari", "s3cret").authorizationHeader()).contains("Basic dG9uYXJpOnMzY3JldA==");
    assertThat(CLIENT.withAuthorization("Bearer", "token-1").authorizationHeader()).contains("Bearer token-1");
    assertThatThrownBy(() -> new RemoteWriteClientSettings("mimir", URL, Duration.ofSeconds(1), Map.of(),
        Optional.of(new RemoteWriteClientSettings.BasicAuth("u", "p")), Optional.of(RemoteWriteClientSettings.Authorization.bearer("t")),
        QueueConfig.defaults()))
        .hasMessage("ruler.remote_write.clients.mimir: basic_auth and authorization exclude each other (a request has one Authorization header)");
    assertThatThrownBy(() -> CLIENT.withBasicAuth("", "p")).hasMessage("ruler.remote_write.clients.mimir.basic_auth.username is empty");
    assertThatThrownBy(() -> CLIENT.withBasicAuth("a:b", "p")).hasMessageStartingWith("ruler.remote_write.clients.mimir.basic_auth.username must not contain ':'");
    assertThatThrownBy(() -> CLIENT.withBasicAuth("u", "p\n")).hasMessage("ruler.remote_write.clients.mimir.basic_auth.password contains a control character");
    assertThatThrownBy(() -> CLIENT.withAuthorization("Bearer", "")).hasMessage("ruler.remote_write.clients.mimir.authorization.credentials is empty");
    assertThatThrownBy(() -> CLIENT.withAuthorization("basic", "x")).hasMessage("ruler.remote_write.clients.mimir.authorization.type cannot be Basic: use basic_auth");
    assertThatThrownBy(() -> CLIENT.withAuthorization("Bear er", "x")).hasMessageContaining("authorization.type 'Bear er' is not a valid");
  }

  @Test
  void secretsNeverShowInToString() {
    assertThat(CLIENT.withBasicAuth("tonari", "s3cret-password").toString()).contains("tonari").doesNotContain("s3cret-password");
    assertThat(CLIENT.withAuthorization("Bearer", "t0ken-value").toString()).doesNotContain("t0ken-value");
  }
}
