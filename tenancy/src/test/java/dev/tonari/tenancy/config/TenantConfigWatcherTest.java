package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantConfigWatcherTest {
  @Test
  void swapsInValidEditsAndKeepsTheLastGoodConfigOnInvalidOnes(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("tenants.yaml");
    Files.writeString(file, "tenants:\n  team-a: {limits: {ingestion_rate_mb: 1}}\n");
    List<TenantConfig> seen = new ArrayList<>();
    try (TenantConfigWatcher watcher = TenantConfigWatcher.open(List.of(file), new TenantConfigLoader())) {
      watcher.addListener(seen::add);
      assertThat(watcher.current().limitsFor("team-a").ingestionRateMb()).isEqualTo(1.0);
      assertThat(watcher.checkNow()).as("unchanged files are not reloaded").isFalse();
      assertThat(watcher.reloadCount()).isZero();

      Files.writeString(file, "tenants:\n  team-a: {limits: {ingestion_rate_mb: 2}}\n");
      assertThat(watcher.checkNow()).isTrue();
      assertThat(watcher.current().limitsFor("team-a").ingestionRateMb()).isEqualTo(2.0);
      assertThat(watcher.lastReloadSuccessful()).isTrue();
      assertThat(seen).hasSize(1);

      TenantConfig good = watcher.current();
      Files.writeString(file, "tenants:\n  team-a: {limits: {ingestion_rate_mb: -3}}\n");
      assertThat(watcher.checkNow()).isFalse();
      assertThat(watcher.current()).isSameAs(good);
      assertThat(watcher.lastReloadSuccessful()).isFalse();
      assertThat(watcher.lastError()).contains(file + ":2:40: error: tenants.team-a.limits.ingestion_rate_mb: must not be negative, got -3");
      assertThat(watcher.reloadCount()).isEqualTo(2);
      assertThat(watcher.failedReloadCount()).isEqualTo(1);

      Files.delete(file);
      assertThat(watcher.checkNow()).isFalse();
      assertThat(watcher.current()).isSameAs(good);
      assertThat(watcher.lastError()).contains(file + ":1:1: error: file does not exist");

      Files.writeString(file, "tenants:\n  team-b:\n");
      assertThat(watcher.checkNow()).isTrue();
      assertThat(watcher.current().declaredTenants()).containsExactly("team-b");
      assertThat(watcher.lastReloadSuccessful()).isTrue();
      assertThat(watcher.lastError()).isEmpty();
      assertThat(seen).hasSize(2);
    }
  }

  @Test
  void aServerDoesNotStartOnAnInvalidConfig(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("tenants.yaml");
    Files.writeString(file, "tenant: {}\n");
    assertThatThrownBy(() -> TenantConfigWatcher.open(List.of(file), new TenantConfigLoader()))
        .isInstanceOf(TenantConfigWatcher.InvalidConfigException.class)
        .hasMessage(file + ":1:1: error: unknown key 'tenant' at the top level; did you mean 'tenants'?");
  }

  @Test
  void startedPollerStopsOnClose(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("tenants.yaml");
    Files.writeString(file, "");
    TenantConfigWatcher watcher = TenantConfigWatcher.open(List.of(file), new TenantConfigLoader()).start(java.time.Duration.ofMillis(10));
    watcher.close();
    // Closed means restartable and closable again, not stuck with a live thread.
    watcher.start(java.time.Duration.ofMillis(10)).close();
    // A terminated executor's worker may still be on its way out of run(): wait (bounded) for it to end.
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("tenant-config-watcher")) {
        thread.join(5_000);
      }
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("tenant-config-watcher") && thread.isAlive());
  }
}
