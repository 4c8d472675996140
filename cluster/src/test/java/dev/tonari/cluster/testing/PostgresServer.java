package dev.tonari.cluster.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for tests: Debian's {@code initdb} and {@code pg_ctl} (the newest under
 * {@code /usr/lib/postgresql/<version>/bin}) on a temporary directory, listening on 127.0.0.1 at a
 * free port with its unix socket in that directory, fsync off. PostgreSQL refuses to run as root,
 * so as root (CI, developers' machines) both run as {@code nobody} through {@code runuser}, on a
 * directory chown'ed to it. {@link #stop()} and {@link #start()} stop and restart the same data (to
 * test a catalog while its database is away); {@link #close()} stops it and deletes everything,
 * also when something failed, and a JVM shutdown hook does the same if a test never got there.
 * Where PostgreSQL is not installed, {@link #start(String)} skips the test with a JUnit assumption.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String SKIP_MESSAGE = "skipped: PostgreSQL not installed (initdb)";
  public static final String USER = "tonari";

  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(60);
  private static final String RUN_AS = "nobody";

  /** A database on this server: what a catalog needs to connect. */
  public record Database(String name, String jdbcUrl, String user, String password) {}

  private final Path bin;
  private final Path directory;
  private final Path data;
  private final String password;
  private final boolean asRoot;
  private final Thread shutdownHook;
  private final AtomicInteger databases = new AtomicInteger();
  private int port;
  private boolean running;

  private PostgresServer(Path bin, Path directory, String password, boolean asRoot) {
    this.bin = bin;
    this.directory = directory;
    this.data = directory.resolve("data");
    this.password = password;
    this.asRoot = asRoot;
    this.shutdownHook = new Thread(this::closeQuietly, "postgres-server-cleanup");
  }

  /** The newest installed PostgreSQL's bin directory, if any. */
  public static Optional<Path> installedBin() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(version -> version.resolve("bin"))
          .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl")))
          .max(Comparator.comparingInt(PostgresServer::majorVersion));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + root + ": " + e, e);
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * initdb and start; {@code name} goes into the temporary directory's name (the test class, to
   * find leftovers). Skips the calling test (JUnit assumption) when PostgreSQL is not installed.
   */
  public static PostgresServer start(String name) throws IOException, InterruptedException {
    Optional<Path> bin = installedBin();
    if (bin.isEmpty()) {
      System.out.println(SKIP_MESSAGE);
    }
    Assumptions.assumeTrue(bin.isPresent(), SKIP_MESSAGE);
    boolean asRoot = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    Path directory = Files.createTempDirectory("tonari-pg-" + name.replaceAll("[^A-Za-z0-9]", "") + "-");
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    PostgresServer server = new PostgresServer(bin.get(), directory, HexFormat.of().formatHex(secret), asRoot);
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      server.initdb();
      server.port = freePort();
      server.start();
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void initdb() throws IOException, InterruptedException {
    // The temporary directory is 0700 root: give it to the user PostgreSQL runs as (its parent, /tmp, is traversable by all).
    Path passwordFile = directory.resolve("password");
    Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    if (asRoot) {
      UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal owner = users.lookupPrincipalByName(RUN_AS);
      for (Path path : List.of(directory, passwordFile)) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(owner);
        Optional<GroupPrincipal> group = primaryGroup(users);
        if (group.isPresent()) {
          view.setGroup(group.get());
        }
      }
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile, "--auth-local=trust",
        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), "initdb");
    Files.delete(passwordFile);
  }

  private static Optional<GroupPrincipal> primaryGroup(UserPrincipalLookupService users) {
    for (String group : List.of("nogroup", "nobody")) {
      try {
        return Optional.of(users.lookupPrincipalByGroupName(group));
      } catch (IOException e) {
        // Not this distribution's name for it; try the next.
      }
    }
    return Optional.empty();
  }

  /** Starts (again) on the same data and port; returns when PostgreSQL accepts connections. */
  public synchronized void start() throws IOException, InterruptedException {
    if (running) {
      return;
    }
    String options = "-c listen_addresses=127.0.0.1 -p " + port + " -k " + directory + " -c fsync=off -c synchronous_commit=off"
        + " -c full_page_writes=off -c max_connections=100 -c shared_buffers=32MB";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", directory.resolve("postgres.log").toString(), "-o", options,
        "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds()), "start"), "pg_ctl start");
    running = true;
  }

  /** Stops PostgreSQL (fast: open connections are cut), keeping its data for {@link #start()}. */
  public synchronized void stop() throws IOException, InterruptedException {
    if (!running) {
      return;
    }
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds()), "stop"),
        "pg_ctl stop");
    running = false;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** A JDBC URL of a database on this server (no password in it). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates a fresh database (db1, db2, ...) owned by {@link #USER}. */
  public Database createDatabase() throws SQLException {
    String name = "db" + databases.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, password);
        Statement statement = connection.createStatement()) {
      // name is ours (db + a counter): no input reaches this statement.
      statement.execute("CREATE DATABASE " + name);
    }
    return new Database(name, jdbcUrl(name), USER, password);
  }

  /** Runs SQL as the superuser on a database (for tests and benchmarks that need raw access). */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, password);
  }

  private void run(List<String> command, String what) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("tonari-pg-" + what.replace(' ', '-'), ".out");
    try {
      Process process = new ProcessBuilder(full).directory(Path.of("/").toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!process.waitFor(PG_CTL_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(what + " did not finish within " + (PG_CTL_TIMEOUT.toSeconds() + 10) + " s: " + Files.readString(output) + logTail());
      }
      if (process.exitValue() != 0) {
        throw new IOException(what + " failed with exit code " + process.exitValue() + " (" + String.join(" ", full) + "): " + Files.readString(output) + logTail());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String logTail() {
    Path log = directory.resolve("postgres.log");
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log);
      return "\npostgres.log (last lines):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "\n(cannot read " + log + ": " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops PostgreSQL (immediately) and deletes its directory. */
  @Override
  public synchronized void close() {
    try {
      if (running || Files.exists(data.resolve("postmaster.pid"))) {
        try {
          run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "30", "stop"), "pg_ctl stop");
        } catch (IOException e) {
          killPostmaster(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          killPostmaster(e);
        }
        running = false;
      }
    } finally {
      deleteRecursively(directory);
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // Called from the hook itself.
      }
    }
  }

  /** pg_ctl could not stop it: kill the postmaster of this data directory (its pid is the first line of postmaster.pid). */
  private void killPostmaster(Exception cause) {
    try {
      Path pidFile = data.resolve("postmaster.pid");
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    System.err.println("PostgresServer: pg_ctl stop failed, killed the postmaster: " + cause);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("PostgresServer: cleanup of " + directory + " failed: " + e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete PostgreSQL's temporary directory " + root + ": " + e, e);
    }
  }
}
