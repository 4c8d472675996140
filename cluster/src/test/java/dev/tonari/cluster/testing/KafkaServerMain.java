package dev.tonari.cluster.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM's entry point for {@link KafkaServer}: formats the storage (once; a restart on
 * the same data keeps it) with Kafka's own StorageTool, then runs the broker and controller in
 * this JVM. It halts when its standard input closes, so a test JVM that dies (even by kill -9)
 * never leaves a Kafka behind.
 *
 * <p>Arguments: the server.properties file and the cluster id.
 */
public final class KafkaServerMain {
  private KafkaServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: KafkaServerMain <server.properties> <cluster-id>");
      Runtime.getRuntime().halt(2);
    }
    Thread watchdog = new Thread(KafkaServerMain::haltWhenParentGoes, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t", args[1], "-c", args[0], "--ignore-formatted"}, out);
    if (formatted != 0) {
      System.err.println("formatting the storage failed with status " + formatted);
      Runtime.getRuntime().halt(3);
    }
    System.out.println("tonari-kafka-server: storage formatted, starting Kafka");
    kafka.Kafka.main(new String[] {args[0]});
  }

  private static void haltWhenParentGoes() {
    InputStream in = System.in;
    try {
      while (in.read() >= 0) {
        // The parent never writes; anything read is ignored.
      }
    } catch (IOException e) {
      System.err.println("reading the parent's pipe failed: " + e);
    }
    System.err.println("tonari-kafka-server: parent gone, halting");
    Runtime.getRuntime().halt(0);
  }
}
