package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.tenancy.config.TenantLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code auth}, {@code tenants} and tenant-limit keys of the server config, and how they become every tenant's defaults. */
class ServerTenancyConfigTest {
  @Test
  void authTenantsAndTenantLimitsAreRead() throws Exception {
    ServerConfig config = ServerConfig.parse("""
        limits:
          max_line_size: 1000
          ingestion_rate_mb: 8
          ingestion_burst_size_mb: 16
          max_global_streams_per_user: 100
          max_entries_limit_per_query: 200
          max_query_length: 24h
          max_query_series: 50
          max_query_bytes_read: 1GB
          query_timeout: 30s
        retention:
          period: 48h
        auth:
          enabled: true
          failed_attempts_per_minute: 5
        tenants:
          files: [/etc/tonari/tenants.d, extra.yaml]
          reload_interval: 10s
        """, "tonari.yaml");
    assertThat(config.authEnabled()).isTrue();
    assertThat(config.authFailedAttemptsPerMinute()).isEqualTo(5);
    assertThat(config.tenantsFiles()).containsExactly(Path.of("/etc/tonari/tenants.d"), Path.of("extra.yaml"));
    assertThat(config.tenantsReloadInterval()).isEqualTo(Duration.ofSeconds(10));
    TenantLimits limits = config.tenantDefaults().limits();
    assertThat(limits.ingestionRateBytesPerSecond()).isEqualTo(8.0 * (1 << 20));
    assertThat(limits.ingestionBurstSizeBytes()).isEqualTo(16L << 20);
    assertThat(limits.maxGlobalStreamsPerUser()).isEqualTo(100);
    assertThat(limits.maxLineSize()).isEqualTo(1000);
    assertThat(limits.maxEntriesLimitPerQuery()).isEqualTo(200);
    assertThat(limits.maxQueryLength()).isEqualTo(Duration.ofHours(24));
    assertThat(limits.maxQuerySeries()).isEqualTo(50);
    assertThat(limits.maxQueryBytesRead()).isEqualTo(1_000_000_000L);
    assertThat(limits.queryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.tenantDefaults().retention().period()).isEqualTo(Duration.ofHours(48));
  }

  @Test
  void authIsOffAndNoTenantsFilesByDefault() {
    ServerConfig defaults = ServerConfig.defaults();
    assertThat(defaults.authEnabled()).isFalse();
    assertThat(defaults.tenantsFiles()).isEmpty();
    assertThat(defaults.tenantDefaults().limits()).isEqualTo(TenantLimits.lokiDefaults().toBuilder()
        .set("max_line_size", 256L * 1024).build());
  }

  @Test
  void typosInTheNewSectionsNameTheKeyAndPosition() {
    assertThatThrownBy(() -> ServerConfig.parse("auth:\n  enable: true\n", "tonari.yaml"))
        .hasMessageContaining("tonari.yaml line 2 column 15: unknown key 'auth.enable'; known keys here: enabled, failed_attempts_per_minute");
    assertThatThrownBy(() -> ServerConfig.parse("tenants:\n  reload_interval: soon\n", "tonari.yaml"))
        .hasMessageContaining("tonari.yaml line 2").hasMessageContaining("invalid duration \"soon\"");
    assertThatThrownBy(() -> ServerConfig.parse("auth:\n  failed_attempts_per_minute: 0\n", "tonari.yaml"))
        .hasMessageContaining("auth.failed_attempts_per_minute must be positive, got 0");
  }

  @Test
  void multiTenantQueryLimitsAreTheTightestPositiveOfEachTenant() {
    TenantLimits loose = TenantLimits.lokiDefaults();
    TenantLimits tight = loose.toBuilder().set("max_entries_limit_per_query", 10L).set("max_query_length", Duration.ZERO)
        .set("query_timeout", Duration.ofSeconds(5)).build();
    MultiTenantQuery query = new MultiTenantQuery(new dev.tonari.store.memory.InMemoryLogStore(), tenant -> tenant.equals("t") ? tight : loose, null);
    var limits = query.limitsFor("l|t");
    assertThat(limits.maxEntriesLimitPerQuery()).isEqualTo(10);
    assertThat(limits.maxQueryLength()).isEqualTo(Duration.ofHours(721));
    assertThat(limits.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(query.limitsFor("t").maxQueryLength()).isEqualTo(Duration.ZERO);
    assertThat(List.copyOf(MultiTenantQuery.shares(10, java.util.Map.of("a", adder(1))).values())).containsExactly(10L);
  }

  private static java.util.concurrent.atomic.LongAdder adder(long value) {
    java.util.concurrent.atomic.LongAdder adder = new java.util.concurrent.atomic.LongAdder();
    adder.add(value);
    return adder;
  }
}
