package dev.tonari.cluster.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link KafkaServer} (KRaft, a child JVM) for the tests of a class: {@code @RegisterExtension
 * static final KafkaBroker KAFKA = new KafkaBroker();} starts it before the first test and stops it
 * after the last; the class is skipped, saying so, where Kafka is not on the test classpath.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private KafkaServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    assumeTrue(KafkaServer.available(), "skipped: Kafka not installed (kafka_2.13 not on the test classpath)");
    server = KafkaServer.launch();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running broker (only between the class's first and last test). */
  public KafkaServer server() {
    if (server == null) {
      throw new IllegalStateException("the Kafka broker runs only while the tests of the class that registered it run");
    }
    return server;
  }
}
