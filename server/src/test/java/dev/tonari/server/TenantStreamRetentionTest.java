package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import dev.tonari.store.engine.RetentionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store receives each tenant's whole retention policy, with LogQL selectors compiled. */
class TenantStreamRetentionTest {
  @TempDir Path directory;

  @Test
  void retentionStreamRulesReachTheStoreAsCompiledSelectors() throws Exception {
    Path tenants = directory.resolve("tenants.yaml");
    Files.writeString(tenants, """
        defaults:
          retention:
            period: 168h
            retention_stream:
              - {selector: '{level="debug"}', period: 24h, priority: 1}
              - {selector: '{namespace=~"prod|payments"}', period: 720h, priority: 2}
        tenants:
          team-a:
            retention:
              period: 48h
        """);
    ServerConfig config =
        ServerConfig.parse("tenants:\n  files: [" + tenants + "]\n", "tonari.yaml").withDataDir(directory.resolve("data"));
    try (TenancyServices tenancy = TenancyServices.open(config, Clock.systemUTC())) {
      RetentionPolicy shared = tenancy.retentionPolicyFor("anyone");
      assertThat(shared.period()).isEqualTo(Duration.ofHours(168));
      assertThat(shared.periodFor(Labels.of("level", "debug"))).isEqualTo(Duration.ofHours(24));
      // Priority 2 beats the debug rule's priority 1.
      assertThat(shared.periodFor(Labels.of("level", "debug", "namespace", "payments"))).isEqualTo(Duration.ofHours(720));
      assertThat(shared.periodFor(Labels.of("level", "info"))).isEqualTo(Duration.ofHours(168));
      assertThat(tenancy.retentionPolicyFor("anyone")).isSameAs(shared);
      RetentionPolicy teamA = tenancy.retentionPolicyFor("team-a");
      assertThat(teamA.periodFor(Labels.of("level", "info"))).isEqualTo(Duration.ofHours(48));
    }
  }
}
