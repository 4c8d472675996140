package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.server.ServerConfig;
import dev.tonari.server.StorageSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage flags and commands: {@code server --storage}, {@code lint} of a server config, {@code storage migrate}'s usage errors and progress bar. */
class StorageCommandTest {
  @TempDir Path directory;

  @Test
  void theStorageShorthandSetsBucketAndPrefixOverTheFile() throws Exception {
    Path file = directory.resolve("tonari.yaml");
    Files.writeString(file, "storage:\n  type: s3\n  s3: {bucket: old, region: eu-west-1}\n");
    ServerConfig config = ServerCommand.resolve(file, null, null, "s3://new-bucket/prod/eu");
    assertThat(config.storage().type()).isEqualTo(StorageSettings.Type.S3);
    assertThat(config.storage().s3().bucket()).isEqualTo("new-bucket");
    assertThat(config.storage().s3().prefix()).isEqualTo("prod/eu");
    assertThat(config.storage().s3().region()).isEqualTo("eu-west-1");
    assertThat(ServerCommand.resolve(null, null, null, null).storage()).isEqualTo(StorageSettings.local());
    CommandRun bad = CommandRun.run("server", "--storage", "gs://x");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("s3://bucket/prefix");
  }

  @Test
  void lintChecksServerConfigFiles() throws Exception {
    Path good = directory.resolve("good.yaml");
    Files.writeString(good, "server:\n  listen: 127.0.0.1:3100\nstorage:\n  type: s3\n  s3: {bucket: logs, cache_size: 2GiB}\n");
    CommandRun ok = CommandRun.run("lint", good.toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    Path bad = directory.resolve("bad.yaml");
    Files.writeString(bad, "storage:\n  type: s3\n  s3:\n    bucket: logs\n    cache_size: huge\n");
    CommandRun failed = CommandRun.run("lint", bad.toString());
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err()).contains(bad + ":5:").contains("storage.s3.cache_size");
  }

  @Test
  void migrateRefusesBadArgumentsWithUsageErrors() {
    CommandRun noBucket = CommandRun.run("storage", "migrate", "--data-dir", directory.toString(), "--to", "s3://");
    assertThat(noBucket.exitCode()).isEqualTo(2);
    assertThat(noBucket.err()).contains("--to s3:// names no bucket");
    CommandRun notData = CommandRun.run("storage", "migrate", "--data-dir", directory.resolve("nothing").toString(), "--to", "s3://b/p");
    assertThat(notData.exitCode()).isEqualTo(2);
    assertThat(notData.err()).contains("objects does not exist");
  }

  @Test
  void theProgressBarFillsWithTheBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StorageCommand.Migrate.bar(new PrintStream(out, true, StandardCharsets.UTF_8), "copy", 3, 4, 1_500_000, 2_000_000);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\rcopy [" + "#".repeat(22) + " ".repeat(8) + "] 3/4 parts 1.5 MB/2.0 MB");
  }
}
