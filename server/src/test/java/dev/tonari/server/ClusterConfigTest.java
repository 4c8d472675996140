package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.cluster.catalog.PasswordSource;
import dev.tonari.cluster.log.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cluster} section: the documented examples (docs/configuration.md and
 * examples/cluster/) parse to the settings they describe, every refusal names its key, and {@code
 * tonari lint} ({@link ServerConfigLint}) points at the line and column of the key at fault.
 */
class ClusterConfigTest {
  private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";

  @TempDir Path directory;

  @Test
  void theDocumentedExampleParsesToTheSettingsItDescribes() throws Exception {
    ServerConfig config = ServerConfig.parse(documentedExample(), "docs/configuration.md");
    ClusterSettings cluster = config.cluster();
    assertThat(cluster.role()).isEmpty();
    assertThat(cluster.configured()).isTrue();
    assertThat(cluster.nodeId()).contains("ingester-1");
    KafkaSettings kafka = cluster.kafka().orElseThrow();
    assertThat(kafka.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
    assertThat(kafka.partitions()).isEqualTo(32);
    assertThat(kafka.replicationFactor()).isEqualTo((short) 3);
    // The security settings reach every client as they are, and Tonari's durability settings stay.
    Properties producer = kafka.producerProperties("test");
    assertThat(producer.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(producer.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
    assertThat(producer.getProperty("acks")).isEqualTo("all");
    assertThat(kafka.consumerProperties("test").getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(cluster.postgres().orElseThrow().password()).isEqualTo(new PasswordSource.File(Path.of("/etc/tonari/postgres-password")));
    assertThat(cluster.postgres().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://pg.internal:5432/tonari");
    assertThat(cluster.ingesterFlushAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.storage().type()).isEqualTo(StorageSettings.Type.S3);
    // The password and the token never reach a log line.
    assertThat(cluster.toString()).doesNotContain("secret").contains("kafka-1:9092");
  }

  @Test
  void theExampleFilesOfTheThreeNodeClusterParseAndLintClean() throws Exception {
    for (String role : List.of("distributor", "ingester", "querier")) {
      Path file = REPOSITORY.resolve("examples/cluster/" + role + ".yaml");
      assertThat(ServerConfigLint.looksLikeServerConfig(Files.readString(file))).as(file.toString()).isTrue();
      assertThat(ServerConfigLint.check(file)).as(file.toString()).isEmpty();
      ServerConfig config = ServerConfig.load(file);
      assertThat(config.cluster().nodeId()).contains(role + "-1");
      assertThat(config.cluster().kafka().orElseThrow().bootstrapServers()).isEqualTo("127.0.0.1:9092");
      assertThat(config.cluster().kafka().orElseThrow().replicationFactor()).isEqualTo((short) 1);
      assertThat(config.cluster().partsDirectory()).contains(Path.of("./cluster-data/parts"));
      assertThat(config.cluster().postgres().orElseThrow().password()).isEqualTo(new PasswordSource.EnvironmentVariable("TONARI_POSTGRES_PASSWORD"));
    }
    // A distributor calls no internal route, so it starts without the internal token; a querier does not.
    ServerConfig distributor = ServerConfig.load(REPOSITORY.resolve("examples/cluster/distributor.yaml"));
    assertThat(distributor.withRole(ClusterSettings.Role.DISTRIBUTOR).cluster().role()).contains(ClusterSettings.Role.DISTRIBUTOR);
    String querier = Files.readString(REPOSITORY.resolve("examples/cluster/querier.yaml"));
    assertThatThrownBy(() -> ServerConfig.parse(querier.replace("  heartbeat_ttl: 10s", "  heartbeat_ttl: 10s\n  internal_token: short"), "querier.yaml"))
        .hasMessageContaining("cluster.internal_token must be at least 16 characters");
    ServerConfig withToken = ServerConfig.parse(querier.replace("  heartbeat_ttl: 10s", "  heartbeat_ttl: 10s\n  internal_token: " + TOKEN), "querier.yaml");
    assertThat(withToken.withRole(ClusterSettings.Role.QUERIER).cluster().internalToken()).contains(TOKEN);
  }

  @Test
  void aRoleWithoutTheKeyItNeedsIsRefusedNamingTheKey() throws Exception {
    String withoutPostgres = """
        cluster:
          role: distributor
          parts_directory: /tmp/parts
          kafka:
            bootstrap_servers: [127.0.0.1:9092]
        """;
    assertThatThrownBy(() -> ServerConfig.parse(withoutPostgres, "c.yaml")).isInstanceOf(ServerConfig.ConfigException.class)
        .hasMessageContaining("role distributor").hasMessageContaining("cluster.postgres.jdbc_url");
    String withoutParts = base("querier", "internal_token: " + TOKEN).replace("  parts_directory: /tmp/parts\n", "");
    assertThatThrownBy(() -> ServerConfig.parse(withoutParts, "c.yaml")).hasMessageContaining("storage.type: s3").hasMessageContaining("cluster.parts_directory");
    assertThatThrownBy(() -> ServerConfig.parse(base("querier", ""), "c.yaml")).hasMessageContaining("cluster.internal_token");
    ServerConfig ingester = ServerConfig.parse(base("ingester", "internal_token: " + TOKEN), "c.yaml");
    assertThat(ingester.cluster().role()).contains(ClusterSettings.Role.INGESTER);
    // --role wins over cluster.role, and checks again what the new role needs.
    assertThat(ingester.withRole(ClusterSettings.Role.QUERIER).cluster().role()).contains(ClusterSettings.Role.QUERIER);
    assertThat(ServerConfig.defaults().cluster().enabled()).isFalse();
    assertThatThrownBy(() -> ClusterSettings.Role.parse("router")).hasMessageContaining("all, distributor, ingester, querier, ruler, compactor");
  }

  @Test
  void valuesTheClusterRefusesNameTheirKey() {
    assertRefused("    partitions: 0\n", "cluster.kafka.partitions must be between 1 and 100000, got 0");
    assertRefused("    properties:\n      acks: \"1\"\n", "acks=1 is refused");
    assertRefused("    properties:\n      bootstrap.servers: other:9092\n", "set cluster.kafka.bootstrap_servers instead");
    assertRefused("    properties:\n      enable.auto.commit: \"true\"\n", "enable.auto.commit is refused");
    assertRefused("    delivery_timeout: 1s\n    request_timeout: 2s\n", "cluster.kafka.delivery_timeout");
    assertThatThrownBy(() -> ServerConfig.parse("""
        cluster:
          kafka:
            bootstrap_servers: [no-port]
        """, "c.yaml")).hasMessageContaining("cluster.kafka.bootstrap_servers: 'no-port' is not host:port");
    assertThatThrownBy(() -> ServerConfig.parse("""
        cluster:
          postgres:
            jdbc_url: jdbc:postgresql://pg/tonari
            password: a
            password_file: /run/secret
        """, "c.yaml")).hasMessageContaining("cluster.postgres.password: set one of password, password_env and password_file");
    assertThatThrownBy(() -> ServerConfig.parse("""
        cluster:
          postgres:
            jdbc_url: jdbc:mysql://db/tonari
        """, "c.yaml")).hasMessageContaining("cluster.postgres.jdbc_url").hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> ServerConfig.parse("""
        cluster:
          kafka:
            topik: x
        """, "c.yaml")).hasMessageContaining("unknown key 'cluster.kafka.topik'").hasMessageContaining("known keys here: bootstrap_servers");
  }

  @Test
  void theLintPointsAtTheLineAndColumnOfTheKeyAtFault() throws IOException {
    Path file = directory.resolve("cluster.yaml");
    Files.writeString(file, """
        server:
          listen: 127.0.0.1:3100
        cluster:
          kafka:
            bootstrap_servers: [127.0.0.1:9092]
            partitions: 0
          postgres:
            jdbc_url: jdbc:postgresql://127.0.0.1:5432/tonari
        """);
    assertThat(ServerConfigLint.check(file)).containsExactly(file + ":6:5: error: cluster.kafka.partitions must be between 1 and 100000, got 0");
    Files.writeString(file, """
        cluster:
          postgres:
            jdbc_url: jdbc:postgresql://127.0.0.1:5432/tonari
            pool_size: 0
        """);
    assertThat(ServerConfigLint.check(file)).singleElement().asString().startsWith(file + ":4:5: error: cluster.postgres.pool_size:");
    Files.writeString(file, """
        cluster:
          kafka:
            bootstrap_servers: [127.0.0.1:9092]
            session_timeout: soon
        """);
    assertThat(ServerConfigLint.check(file)).singleElement().asString().startsWith(file + ":4:").contains("cluster.kafka.session_timeout");
  }

  private static void assertRefused(String kafkaLines, String message) {
    String yaml = "cluster:\n  kafka:\n    bootstrap_servers: [127.0.0.1:9092]\n" + kafkaLines;
    assertThatThrownBy(() -> ServerConfig.parse(yaml, "c.yaml")).as(kafkaLines).isInstanceOf(ServerConfig.ConfigException.class).hasMessageContaining(message);
  }

  private static String base(String role, String extra) {
    return """
        cluster:
          role: %s
          %s
          parts_directory: /tmp/parts
          kafka:
            bootstrap_servers: [127.0.0.1:9092]
          postgres:
            jdbc_url: jdbc:postgresql://127.0.0.1:5432/tonari
        """.formatted(role, extra.isEmpty() ? "heartbeat_ttl: 10s" : extra);
  }

  /** The YAML block of the {@code cluster} section of docs/configuration.md. */
  private static String documentedExample() throws IOException {
    String docs = Files.readString(REPOSITORY.resolve("docs/configuration.md"));
    String section = docs.substring(docs.indexOf("## `cluster`"));
    int start = section.indexOf("```yaml\n") + "```yaml\n".length();
    return section.substring(start, section.indexOf("```", start));
  }
}
