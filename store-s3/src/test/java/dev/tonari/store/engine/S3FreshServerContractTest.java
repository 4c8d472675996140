package dev.tonari.store.engine;

import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.LogStore;
import dev.tonari.store.LogStoreContractTest;
import dev.tonari.store.object.s3.S3ProxyServer;
import dev.tonari.store.object.s3.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The log-store contract on S3 where every round ends with the data directory lost: the store is
 * flushed (alternately closed gracefully, or crashed right after the flush), and the next store
 * opens on an empty directory over the same bucket. Every flushed line, label and series must be
 * served from the bucket alone.
 */
class S3FreshServerContractTest extends LogStoreContractTest {
  private static S3ProxyServer server;
  private S3Settings settings;
  private S3Stores.S3Store current;
  private int directories;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected LogStore openStore(Path directory) throws IOException {
    if (settings == null) {
      settings = server.settings(server.createBucket(), "logs");
    }
    current = S3Stores.open(settings, directory.resolve("data-" + directories++));
    return new ClosingStore(current);
  }

  @Override
  protected LogStore afterRound(LogStore store, Path directory, int round) throws IOException {
    if (round % 2 == 0) {
      current.store.flush();
      current.crash();
    } else {
      store.close();
    }
    Path old = directory.resolve("data-" + (directories - 1));
    try (var files = Files.walk(old)) {
      // The lost disk: nothing of the old data directory is read again.
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return openStore(directory);
  }

  @Override
  protected LogStore beforeReads(LogStore store, Path directory) throws IOException {
    store.close();
    return openStore(directory);
  }

  /** The engine as a LogStore whose close also closes the S3 client. */
  private static final class ClosingStore extends ForwardingLogStore {
    private final S3Stores.S3Store owner;

    ClosingStore(S3Stores.S3Store owner) {
      this.owner = owner;
    }

    @Override
    protected LogStore delegate() {
      return owner.store;
    }

    @Override
    public void close() throws IOException {
      owner.close();
    }
  }
}
