package dev.tonari.store.object.s3;

import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.object.ObjectStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The object-store contract against a real S3-compatible server (s3proxy), one bucket per test. */
class S3ObjectStoreContractTest extends ObjectStoreContractTest {
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /** s3proxy's filesystem backend checks If-None-Match and then writes: not atomic under a race (S3 is). */
  @Override
  protected boolean conditionalPutsAreAtomic() {
    return false;
  }

  /** s3proxy's filesystem backend may serve a read racing a replacement from neither version (S3 does not). */
  @Override
  protected boolean replacementsAreAtomicForConcurrentReaders() {
    return false;
  }

  @Override
  protected ObjectStore createStore() throws Exception {
    return S3ObjectStore.open(server.settings(server.createBucket(), "tonari/contract"));
  }
}
