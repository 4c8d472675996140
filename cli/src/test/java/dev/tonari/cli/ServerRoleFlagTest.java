package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.server.ClusterSettings;
import dev.tonari.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tonari server --role}: all without a cluster section is the single node; other roles need the section and name what is missing. */
class ServerRoleFlagTest {
  @TempDir Path directory;

  @Test
  void roleAllWithoutAClusterSectionIsTheSingleNodeAsBefore() throws Exception {
    ServerConfig defaults = ServerCommand.resolve(null, null, null);
    assertThat(ServerCommand.withRole(defaults, "all")).isEqualTo(defaults);
    assertThat(ServerCommand.withRole(defaults, null)).isEqualTo(defaults);
    assertThat(ServerCommand.withRole(defaults, "all").cluster().enabled()).isFalse();
  }

  @Test
  void anotherRoleNeedsTheClusterSectionAndNamesTheMissingKey() throws Exception {
    ServerConfig defaults = ServerCommand.resolve(null, null, null);
    assertThatThrownBy(() -> ServerCommand.withRole(defaults, "querier")).hasMessageContaining("--role querier needs a cluster section")
        .hasMessageContaining("cluster.kafka.bootstrap_servers");
    assertThatThrownBy(() -> ServerCommand.withRole(defaults, "router")).hasMessageContaining("--role: unknown role 'router'");
    Path file = directory.resolve("tonari.yaml");
    Files.writeString(file, """
        cluster:
          parts_directory: /tmp/parts
          kafka:
            bootstrap_servers: [127.0.0.1:9092]
          postgres:
            jdbc_url: jdbc:postgresql://127.0.0.1:5432/tonari
        """);
    ServerConfig clustered = ServerCommand.resolve(file, null, null);
    assertThat(ServerCommand.withRole(clustered, "distributor").cluster().role()).contains(ClusterSettings.Role.DISTRIBUTOR);
    // A querier reads the ingesters' heads: without the internal token it does not start.
    assertThatThrownBy(() -> ServerCommand.withRole(clustered, "querier")).hasMessageContaining("cluster.internal_token");
  }
}
