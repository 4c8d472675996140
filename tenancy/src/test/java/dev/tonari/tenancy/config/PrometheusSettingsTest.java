package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusSettingsTest {
  private static final URI URL = URI.create("https://mimir.example/prometheus");

  @Test
  void toStringShowsTheServerAndWhoButNeverASecret() {
    PrometheusSettings bearer = new PrometheusSettings(URL, Optional.of("tok-123"), Optional.empty(), Optional.empty(), Optional.of("team-a"));
    assertThat(bearer.toString()).isEqualTo("PrometheusSettings[https://mimir.example/prometheus, bearer token, X-Scope-OrgID team-a]");
    PrometheusSettings basic = new PrometheusSettings(URL, Optional.empty(), Optional.of("reader"), Optional.of("hunter2"), Optional.empty());
    assertThat(basic.toString()).isEqualTo("PrometheusSettings[https://mimir.example/prometheus, basic auth as reader]");
    assertThat(new TenantSettings(TenantLimits.lokiDefaults(), RetentionPolicy.defaults(), Optional.of(basic)).toString())
        .contains("basic auth as reader").doesNotContain("hunter2");
  }

  @Test
  void urlsThatCannotBeAQueryBase() {
    assertThat(PrometheusSettings.urlProblem("http://prometheus:9090")).isEmpty();
    assertThat(PrometheusSettings.urlProblem("HTTPS://mimir/prometheus/")).isEmpty();
    assertThat(PrometheusSettings.urlProblem("prometheus:9090")).contains("expected an http or https URL such as http://prometheus:9090");
    assertThat(PrometheusSettings.urlProblem("/api/v1")).contains("expected an http or https URL such as http://prometheus:9090");
    assertThat(PrometheusSettings.urlProblem("http:///path")).contains("the URL names no host");
    assertThat(PrometheusSettings.urlProblem("http://a:b@prometheus")).hasValueSatisfying(problem -> assertThat(problem)
        .startsWith("credentials do not belong in the URL").doesNotContain("a:b"));
    assertThat(PrometheusSettings.urlProblem("http://prometheus/?x=1"))
        .contains("the URL must not have a query or fragment: /api/v1/query_range and its parameters are appended to it");
    assertThat(PrometheusSettings.urlProblem("http://prom etheus")).hasValueSatisfying(problem -> assertThat(problem).startsWith("not a URL: "));
  }

  @Test
  void credentialsMustMakeOneWellFormedAuthorizationHeader() {
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.empty(), Optional.of("reader"), Optional.empty(), Optional.empty()))
        .hasMessage("prometheus username needs a password");
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.empty(), Optional.empty(), Optional.of("pw"), Optional.empty()))
        .hasMessage("prometheus password needs a username");
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.of("t"), Optional.of("reader"), Optional.of("pw"), Optional.empty()))
        .hasMessage("prometheus bearer token and username/password exclude each other: a request has one Authorization header");
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.empty(), Optional.of("a:b"), Optional.of("pw"), Optional.empty()))
        .hasMessage("prometheus username must not contain ':' (HTTP Basic separates it from the password with one)");
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.of("tok\nX-Injected: 1"), Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessage("prometheus bearer token contains a line break");
    assertThatThrownBy(() -> new PrometheusSettings(URL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("")))
        .hasMessage("prometheus org ID is empty");
    assertThatThrownBy(() -> PrometheusSettings.of(URI.create("ftp://prometheus")))
        .hasMessage("prometheus url ftp://prometheus: expected an http or https URL such as http://prometheus:9090");
  }
}
