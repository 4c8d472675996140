package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.ingest.Limits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void theIssuesExampleReadsAsWritten() throws Exception {
    ServerConfig config = ServerConfig.parse("""
        server:
          listen: 0.0.0.0:3200
        storage:
          data_dir: /var/lib/tonari
          flush_size: 16MiB
          flush_age: 2m
        limits:                  # defaults for every tenant
          reject_old_samples: false
          reject_old_samples_max_age: 72h
          creation_grace_period: 1h30m
          max_line_size: 256KB
          max_label_names_per_series: 20
          max_push_body_size: 8MB
        retention:
          period: 744h
        """, "test.yaml");
    assertThat(config.listenHost()).isEqualTo("0.0.0.0");
    assertThat(config.listenPort()).isEqualTo(3200);
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tonari"));
    assertThat(config.flushSizeBytes()).isEqualTo(16L << 20);
    assertThat(config.flushAge()).isEqualTo(Duration.ofMinutes(2));
    Limits limits = config.limits();
    assertThat(limits.rejectOldSamples()).isFalse();
    assertThat(limits.rejectOldSamplesMaxAge()).isEqualTo(Duration.ofHours(72));
    assertThat(limits.creationGracePeriod()).isEqualTo(Duration.ofMinutes(90));
    assertThat(limits.maxLineSize()).isEqualTo(256_000);
    assertThat(limits.maxLabelNamesPerSeries()).isEqualTo(20);
    assertThat(limits.maxLabelValueLength()).isEqualTo(Limits.defaults().maxLabelValueLength());
    assertThat(limits.maxBodyBytes()).isEqualTo(8_000_000);
    assertThat(config.retentionPeriod()).isEqualTo(Duration.ofHours(744));
  }

  @Test
  void emptyFileMeansDefaults() throws Exception {
    assertThat(ServerConfig.parse("", "empty.yaml")).isEqualTo(ServerConfig.defaults());
    assertThat(ServerConfig.defaults().listen()).isEqualTo("127.0.0.1:3100");
  }

  @Test
  void unknownKeyNamesItsPathLineAndColumn() {
    assertThatThrownBy(() -> ServerConfig.parse("""
        limits:
          max_line_size: 1MB
          max_lines_size: 2MB
        """, "tonari.yaml"))
        .isInstanceOf(ServerConfig.ConfigException.class)
        .hasMessageContaining("tonari.yaml line 3 column")
        .hasMessageContaining("unknown key 'limits.max_lines_size'")
        .hasMessageContaining("max_line_size");
  }

  @Test
  void badValueNamesKeyLineAndExpectedForm() {
    assertThatThrownBy(() -> ServerConfig.parse("""
        retention:
          period: forever
        """, "tonari.yaml"))
        .hasMessageContaining("tonari.yaml line 2")
        .hasMessageContaining("retention.period")
        .hasMessageContaining("invalid duration \"forever\"");
  }

  @Test
  void listenAddressForms() {
    assertThat(ServerConfig.HostPort.parse(":3100")).isEqualTo(new ServerConfig.HostPort("0.0.0.0", 3100));
    assertThat(ServerConfig.HostPort.parse("[::1]:80")).isEqualTo(new ServerConfig.HostPort("::1", 80));
    assertThatThrownBy(() -> ServerConfig.HostPort.parse("localhost")).hasMessageContaining("HOST:PORT");
  }
}
