package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.sso.OidcSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server config's {@code auth.oidc} section. */
class OidcConfigTest {
  @Test
  void readsTheSectionWithTheSecretFromAFile(@TempDir Path directory) throws Exception {
    Path secret = directory.resolve("oidc-secret");
    Files.writeString(secret, "s3cr3t\n");
    ServerConfig config = ServerConfig.parse("""
        auth:
          enabled: true
          oidc:
            issuer_url: https://login.example.com/realms/corp
            client_id: tonari
            client_secret_file: %s
            public_url: https://tonari.example.com/
            scopes: [openid, email, groups]
            session_ttl: 8h
        """.formatted(secret), "tonari.yaml");
    OidcSettings oidc = config.oidc().orElseThrow();
    assertThat(oidc.issuer()).isEqualTo(URI.create("https://login.example.com/realms/corp"));
    assertThat(oidc.clientId()).isEqualTo("tonari");
    assertThat(oidc.clientSecret()).isEqualTo("s3cr3t");
    assertThat(oidc.redirectUri()).isEqualTo(URI.create("https://tonari.example.com/ui/callback"));
    assertThat(oidc.secureCookies()).isTrue();
    assertThat(oidc.scopes()).isEqualTo(List.of("openid", "email", "groups"));
    assertThat(oidc.sessionTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(oidc.toString()).doesNotContain("s3cr3t").contains("<redacted>");
  }

  @Test
  void withoutTheSectionThereIsNoSingleSignOn() throws Exception {
    assertThat(ServerConfig.parse("auth: {enabled: true}\n", "tonari.yaml").oidc()).isEmpty();
  }

  @Test
  void missingKeysSayWhatToSet() {
    assertThatThrownBy(() -> ServerConfig.parse("""
        auth:
          oidc: {client_id: tonari, client_secret: x, public_url: http://127.0.0.1:3100}
        """, "tonari.yaml")).hasMessageContaining("auth.oidc.issuer_url is required");
    assertThatThrownBy(() -> ServerConfig.parse("""
        auth:
          oidc: {issuer_url: https://login.example.com, client_id: tonari, client_secret: x}
        """, "tonari.yaml")).hasMessageContaining("auth.oidc.public_url is required", "/ui/callback");
    assertThatThrownBy(() -> ServerConfig.parse("""
        auth:
          oidc: {issuer_url: 'ftp://login.example.com', client_id: tonari, client_secret: x, public_url: http://127.0.0.1:3100}
        """, "tonari.yaml")).hasMessageContaining("auth.oidc.issuer_url must be an http or https URL");
    assertThatThrownBy(() -> ServerConfig.parse("""
        auth:
          oidc: {issuer_url: https://login.example.com, client_id: tonari, client_secret: x, public_url: http://127.0.0.1:3100, client_secrets: y}
        """, "tonari.yaml")).hasMessageContaining("client_secrets");
  }
}
