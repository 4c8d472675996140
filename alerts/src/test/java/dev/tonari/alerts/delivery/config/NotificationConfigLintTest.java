package dev.tonari.alerts.delivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationConfigLintTest {
  @TempDir Path temp;

  @Test
  void printsEveryProblemCompilerStyleAndExitsNonZero() throws Exception {
    Files.writeString(temp.resolve("acme.yaml"), NotificationConfigParserTest.CONFIG);
    Files.writeString(temp.resolve("beta.yaml"), "route:\n  receiver: x\n  group_interval: 0s\nreceivers:\n  - name: x\n");
    Files.write(temp.resolve("gamma.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new NotificationConfigLint().run(List.of(temp), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(NotificationConfigLint.EXIT_INVALID);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(temp.resolve("beta.yaml") + ":3:19: error: route.group_interval must be greater than 0")
        .contains(temp.resolve("gamma.yaml") + ":1:1: error: not UTF-8 text").contains("2 errors");

    Files.delete(temp.resolve("beta.yaml"));
    Files.delete(temp.resolve("gamma.yaml"));
    out.reset();
    assertThat(new NotificationConfigLint().run(List.of(temp), new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isEqualTo(NotificationConfigLint.EXIT_VALID);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("ok: 1 notification config");
    assertThat(new NotificationConfigLint().run(List.of(), System.out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isEqualTo(NotificationConfigLint.EXIT_USAGE);
  }
}
