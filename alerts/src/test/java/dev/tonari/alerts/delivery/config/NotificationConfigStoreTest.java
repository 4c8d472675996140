package dev.tonari.alerts.delivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationConfigStoreTest {
  @TempDir Path temp;

  @Test
  void loadsChangedFilesKeepsTheLastGoodOneAndForgetsDeletedOnes() throws Exception {
    NotificationConfigStore store = new NotificationConfigStore(temp);
    assertThat(store.reload()).isEmpty();
    Files.writeString(temp.resolve("acme.yaml"), NotificationConfigParserTest.CONFIG);
    Files.writeString(temp.resolve("bad tenant.yaml"), NotificationConfigParserTest.CONFIG);
    Files.writeString(temp.resolve("notes.txt"), "not a config");
    assertThat(store.reload()).containsExactly("acme");
    assertThat(store.problems().get("bad tenant")).singleElement().satisfies(problem -> assertThat(problem.message()).contains("unsupported character ' '"));
    NotificationConfig first = store.forTenant("acme").orElseThrow();
    assertThat(store.reload()).isEmpty();
    assertThat(store.forTenant("acme")).containsSame(first);

    Files.writeString(temp.resolve("acme.yaml"), "route: {receiver: team\n");
    assertThat(store.reload()).isEmpty();
    assertThat(store.forTenant("acme")).containsSame(first);
    assertThat(store.problems().get("acme")).isNotEmpty();

    Files.delete(temp.resolve("acme.yaml"));
    assertThat(store.reload()).containsExactly("acme");
    assertThat(store.forTenant("acme")).isEmpty();
    assertThat(store.problems()).doesNotContainKey("acme");
  }
}
