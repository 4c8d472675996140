package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code storage.type} and {@code storage.s3}: parsing, defaults, errors naming the key, lint, the s3:// shorthand. */
class StorageConfigTest {
  @TempDir Path directory;

  @Test
  void everyS3KeyIsRead() throws Exception {
    ServerConfig config = ServerConfig.parse("""
        storage:
          data_dir: /var/lib/tonari
          type: s3
          s3:
            bucket: logs
            prefix: prod/eu
            region: eu-west-1
            endpoint: http://127.0.0.1:9000
            force_path_style: true
            cache_dir: /var/cache/tonari
            cache_size: 2GiB
            ack_after_upload: true
            read_only: false
        """, "tonari.yaml");
    assertThat(config.storage()).isEqualTo(new StorageSettings(StorageSettings.Type.S3,
        new StorageSettings.S3("logs", "prod/eu", "eu-west-1", "http://127.0.0.1:9000", true, Path.of("/var/cache/tonari"), 2L << 30, true, false)));
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tonari"));
    assertThat(config.storage().s3().location()).isEqualTo("s3://logs/prod/eu");
  }

  @Test
  void headBoundsAreReadWithTheStorageTypeAndDefaultToHalfTheHeap() throws Exception {
    StorageSettings set = ServerConfig.parse("storage: {type: s3, s3: {bucket: b}, max_head_size: 256MiB, max_head_size_per_tenant: 64MB}", "t.yaml").storage();
    assertThat(set.maxHeadBytes()).isEqualTo(256L << 20);
    assertThat(set.maxHeadBytesPerTenant()).isEqualTo(64_000_000L);
    assertThat(set.s3().bucket()).isEqualTo("b");
    assertThat(set.headBounds(1L << 30)).isEqualTo(new dev.tonari.store.engine.HeadBounds(256L << 20, 64_000_000L));
    // The --storage shorthand keeps the bounds.
    assertThat(set.withLocation("s3://other/p").maxHeadBytes()).isEqualTo(256L << 20);
    StorageSettings unset = ServerConfig.parse("storage: {flush_size: 64MiB}", "t.yaml").storage();
    assertThat(unset.headBounds(1L << 30)).isEqualTo(new dev.tonari.store.engine.HeadBounds(512L << 20, 0));
    assertThat(ServerConfig.parse("storage: {max_head_size: 0}", "t.yaml").storage().headBounds(1L << 30).maxBytes()).isZero();
    assertThatThrownBy(() -> ServerConfig.parse("storage: {max_head_size: lots}", "t.yaml"))
        .hasMessageContaining("max_head_size");
  }

  @Test
  void localIsTheDefaultAndS3KeysHaveDefaults() throws Exception {
    assertThat(ServerConfig.defaults().storage()).isEqualTo(StorageSettings.local());
    assertThat(ServerConfig.parse("storage: {type: local}", "t.yaml").storage().type()).isEqualTo(StorageSettings.Type.LOCAL);
    StorageSettings.S3 s3 = ServerConfig.parse("storage: {type: s3, s3: {bucket: b}}", "t.yaml").storage().s3();
    assertThat(s3).isEqualTo(new StorageSettings.S3("b", "", null, null, null, null, StorageSettings.DEFAULT_CACHE_SIZE, false, false));
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> ServerConfig.parse("storage: {type: s3}", "t.yaml")).hasMessageContaining("storage.s3.bucket must be set");
    assertThatThrownBy(() -> ServerConfig.parse("storage: {type: gcs}", "t.yaml")).hasMessageContaining("storage.type must be local or s3, got 'gcs'");
    assertThatThrownBy(() -> ServerConfig.parse("storage: {s3: {bucket: b}}", "t.yaml")).hasMessageContaining("storage.type is local");
    assertThatThrownBy(() -> ServerConfig.parse("storage: {type: s3, s3: {bucket: b, cache_size: lots}}", "t.yaml"))
        .hasMessageContaining("t.yaml line 1").hasMessageContaining("storage.s3.cache_size");
    assertThatThrownBy(() -> ServerConfig.parse("storage: {type: s3, s3: {bucket: b, endpoint: localhost:9000}}", "t.yaml"))
        .hasMessageContaining("storage.s3.endpoint must be an http:// or https:// URL");
    assertThatThrownBy(() -> ServerConfig.parse("""
        storage:
          type: s3
          s3:
            bucket: b
            bucket_name: c
        """, "t.yaml")).hasMessageContaining("t.yaml line 5").hasMessageContaining("unknown key 'storage.s3.bucket_name'").hasMessageContaining("force_path_style");
  }

  @Test
  void theShorthandSetsBucketAndPrefixAndKeepsTheOtherKeys() throws Exception {
    assertThat(StorageSettings.parseUrl("s3://logs/prod/eu/").s3()).isEqualTo(
        new StorageSettings.S3("logs", "prod/eu", null, null, null, null, StorageSettings.DEFAULT_CACHE_SIZE, false, false));
    assertThat(StorageSettings.parseUrl("s3://logs").s3().prefix()).isEmpty();
    assertThatThrownBy(() -> StorageSettings.parseUrl("s3:///x")).hasMessageContaining("names no bucket");
    assertThatThrownBy(() -> StorageSettings.parseUrl("gs://x")).hasMessageContaining("s3://bucket/prefix");
    StorageSettings fromFile = ServerConfig.parse("storage: {type: s3, s3: {bucket: old, region: eu-west-1, cache_size: 1GiB}}", "t.yaml").storage();
    StorageSettings.S3 merged = fromFile.withLocation("s3://new/p").s3();
    assertThat(merged.bucket()).isEqualTo("new");
    assertThat(merged.prefix()).isEqualTo("p");
    assertThat(merged.region()).isEqualTo("eu-west-1");
    assertThat(merged.cacheSize()).isEqualTo(1L << 30);
  }

  @Test
  void lintReportsFileLineAndColumnOfTheKey() throws Exception {
    Path good = directory.resolve("good.yaml");
    Files.writeString(good, "storage:\n  type: s3\n  s3:\n    bucket: logs\n");
    assertThat(ServerConfigLint.looksLikeServerConfig(Files.readString(good))).isTrue();
    assertThat(ServerConfigLint.check(good)).isEmpty();
    Path missing = directory.resolve("missing.yaml");
    Files.writeString(missing, "server:\n  listen: :3100\nstorage:\n  type: s3\n  s3:\n    prefix: p\n");
    assertThat(ServerConfigLint.check(missing)).containsExactly(missing + ":5:3: error: storage.s3.bucket must be set when storage.type is s3");
    Path typo = directory.resolve("typo.yaml");
    Files.writeString(typo, "storage:\n  type: s3\n  s3:\n    bucket: b\n    cache_sise: 1GiB\n");
    assertThat(ServerConfigLint.check(typo)).singleElement().asString().startsWith(typo + ":5:").contains("unknown key 'storage.s3.cache_sise'");
    assertThat(ServerConfigLint.looksLikeServerConfig("defaults:\n  limits: {}\ntenants: {}\n")).isFalse();
  }
}
