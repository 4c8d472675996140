package dev.tonari.tenancy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @Test
  void appendsOneJsonLinePerActionAcrossReopens(@TempDir Path dataDir) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    Principal ops = new Principal("abc", "ops", Role.ADMIN, Set.of("*"));
    try (AuditLog log = AuditLog.open(dataDir, clock)) {
      log.record(AuditLog.actor(ops), "token.create", "token ci \"quoted\" role writer tenants team-a", "10.1.2.3", "ok");
    }
    try (AuditLog log = AuditLog.open(dataDir, clock)) {
      log.record("cli", "token.revoke", "token ci", "cli", "ok");
    }
    List<String> lines = Files.readAllLines(dataDir.resolve("audit.log"));
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("time").asText()).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(first.get("actor").asText()).isEqualTo("ops (id abc, admin)");
    assertThat(first.get("target").asText()).isEqualTo("token ci \"quoted\" role writer tenants team-a");
    assertThat(first.get("source").asText()).isEqualTo("10.1.2.3");
    assertThat(new ObjectMapper().readTree(lines.get(1)).get("action").asText()).isEqualTo("token.revoke");
  }
}
