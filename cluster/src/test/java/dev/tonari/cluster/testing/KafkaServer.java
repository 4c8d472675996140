package dev.tonari.cluster.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real Kafka 4 for tests: one KRaft node in combined mode (broker and controller) in a child
 * JVM started with this JVM's java and test classpath, on 127.0.0.1 and free ports, its storage
 * formatted first in a temporary directory. {@link #stop()} (graceful) or {@link #kill()} (kill
 * -9) take it down and {@link #start()} brings it back on the same data and ports, so tests can
 * make Kafka briefly unavailable; {@link #close()} kills it and deletes the directory (a shutdown
 * hook does the same if the test forgets, and the child halts by itself when this JVM dies).
 * Kafka's own output goes to {@link #logFile()}; a Kafka that does not become ready fails with the
 * tail of that file.
 */
public final class KafkaServer implements AutoCloseable {
  /** Startup on a loaded 2-core machine takes 5-20 s; a minute means it is not coming. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final int LOG_TAIL_LINES = 60;

  private final Path directory;
  private final Path propertiesFile;
  private final Path logFile;
  private final String clusterId;
  private final int brokerPort;
  private final int controllerPort;
  private final Thread shutdownHook;
  private Process process;
  private boolean closed;

  private KafkaServer(Path directory, int brokerPort, int controllerPort) {
    this.directory = directory;
    this.propertiesFile = directory.resolve("server.properties");
    this.logFile = directory.resolve("kafka.log");
    this.clusterId = randomClusterId();
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.shutdownHook = new Thread(this::killAndDeleteQuietly, "kafka-server-cleanup");
  }

  /** Whether Kafka's server classes are on the classpath; without them tests skip with "skipped: Kafka not installed". */
  public static boolean available() {
    try {
      Class.forName("kafka.Kafka", false, KafkaServer.class.getClassLoader());
      Class.forName("kafka.tools.StorageTool", false, KafkaServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Formats a fresh directory, starts Kafka and waits until it answers. */
  public static KafkaServer launch() throws IOException {
    return launch(Map.of());
  }

  /** As {@link #launch()}, with extra broker settings (they override the test defaults). */
  public static KafkaServer launch(Map<String, String> brokerOverrides) throws IOException {
    Path directory = Files.createTempDirectory("tonari-kafka-");
    KafkaServer server = new KafkaServer(directory, freePort(), freePort());
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      server.writeConfiguration(brokerOverrides);
      server.start();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public Path directory() {
    return directory;
  }

  public Path logFile() {
    return logFile;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts Kafka (again) on this server's data and ports and waits until it answers. */
  public synchronized void start() throws IOException {
    if (closed) {
      throw new IllegalStateException("Kafka server in " + directory + " is closed");
    }
    if (isRunning()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-Xms64m");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.awt.headless=true");
    command.add("-Dlogback.configurationFile=" + directory.resolve("logback.xml"));
    command.add("-cp");
    command.add(childClasspath());
    command.add(KafkaServerMain.class.getName());
    command.add(propertiesFile.toString());
    command.add(clusterId);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // stdin stays a pipe: the child halts when it closes (this JVM gone).
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    process = builder.start();
    awaitReady();
  }

  /** Stops Kafka gracefully (SIGTERM, controlled shutdown), killing it after 30 s. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /** Kills Kafka at once, as kill -9 would: no controlled shutdown, unflushed page cache kept by the OS. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Kills Kafka and deletes its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    killAndDeleteQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or ran.
    }
  }

  /** The last lines of Kafka's log, for failure messages. */
  public String logTail() {
    try {
      if (!Files.exists(logFile)) {
        return "(no log written at " + logFile + ")";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log " + logFile + " unreadable: " + e + ")";
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    Exception last = null;
    try (Admin admin = Admin.create(properties)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          int status = process.exitValue();
          process = null;
          throw new IOException("Kafka in " + directory + " exited with status " + status + " while starting; last lines of " + logFile + ":\n" + logTail());
        }
        try {
          if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        sleep(200);
      }
    }
    kill();
    throw new IOException("Kafka in " + directory + " did not answer on " + bootstrapServers() + " within " + READY_TIMEOUT.toSeconds() + " s (last error: " + last
        + "); last lines of " + logFile + ":\n" + logTail());
  }

  private void writeConfiguration(Map<String, String> overrides) throws IOException {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("process.roles", "broker,controller");
    settings.put("node.id", "1");
    settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    settings.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    settings.put("controller.listener.names", "CONTROLLER");
    settings.put("inter.broker.listener.name", "PLAINTEXT");
    settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    settings.put("log.dirs", directory.resolve("data").toString());
    settings.put("metadata.log.dir", directory.resolve("metadata").toString());
    // Small and quick for tests: one replica of everything, few internal partitions and threads.
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("offsets.topic.num.partitions", "4");
    settings.put("transaction.state.log.replication.factor", "1");
    settings.put("transaction.state.log.min.isr", "1");
    settings.put("transaction.state.log.num.partitions", "2");
    settings.put("share.coordinator.state.topic.replication.factor", "1");
    settings.put("share.coordinator.state.topic.min.isr", "1");
    settings.put("group.initial.rebalance.delay.ms", "0");
    settings.put("group.min.session.timeout.ms", "500");
    settings.put("num.partitions", "1");
    settings.put("auto.create.topics.enable", "false");
    settings.put("num.network.threads", "2");
    settings.put("num.io.threads", "2");
    settings.put("background.threads", "2");
    settings.put("num.recovery.threads.per.data.dir", "1");
    settings.put("log.cleaner.enable", "false");
    settings.putAll(overrides);
    StringBuilder text = new StringBuilder("# written by dev.tonari.cluster.testing.KafkaServer\n");
    settings.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
    Files.writeString(propertiesFile, text.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        directory.resolve("logback.xml"),
        """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.kafka.clients" level="WARN"/>
          <logger name="kafka.utils" level="WARN"/>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """,
        StandardCharsets.UTF_8);
  }

  /**
   * This JVM's classpath for the child. Surefire may run tests from a manifest-only jar whose
   * Class-Path names the real entries; those are expanded, so the child does not depend on a
   * booter jar that surefire deletes.
   */
  static String childClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      entries.add(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
        try (JarFile jar = new JarFile(entry)) {
          Manifest manifest = jar.getManifest();
          String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (classPath != null && !classPath.isBlank()) {
            Path base = Path.of(entry).toAbsolutePath().getParent();
            for (String reference : classPath.trim().split("\\s+")) {
              entries.add(resolveManifestEntry(base, reference));
            }
          }
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String resolveManifestEntry(Path base, String reference) {
    URI uri = URI.create(reference);
    if (uri.isAbsolute()) {
      return Path.of(uri).toString();
    }
    return base.resolve(Path.of(URI.create("file:///").resolve(uri).getPath().substring(1))).normalize().toString();
  }

  private void killAndDeleteQuietly() {
    Process running;
    synchronized (this) {
      running = process;
      process = null;
    }
    if (running != null) {
      running.destroyForcibly();
      try {
        running.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      deleteRecursively(directory);
    } catch (IOException e) {
      System.err.println("could not delete Kafka's test directory " + directory + ": " + e);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
  private static String randomClusterId() {
    UUID uuid = UUID.randomUUID();
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }
}
