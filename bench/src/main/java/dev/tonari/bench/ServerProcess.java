package dev.tonari.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Tonari server as a child process ({@code java -jar tonari.jar server}) on a free
 * loopback port, for tests and benchmarks that need to kill it, restart it, or measure it from the
 * outside. Its output is appended to a log file next to (not inside) the data directory.
 */
public final class ServerProcess implements AutoCloseable {
  /** Servers still running, killed by a shutdown hook if this JVM is stopped (Ctrl-C, SIGTERM). */
  private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-tonari-servers"));
  }

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final LokiHttpClient client;

  private ServerProcess(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.client = new LokiHttpClient("http://127.0.0.1:" + port);
  }

  /**
   * Starts the server on a fresh free port and waits until {@code /ready} answers 200.
   *
   * @param jvmOptions extra options for the server's JVM (heap size, GC)
   * @throws IOException when it exits or is not ready within the timeout; the message names the log
   */
  public static ServerProcess start(Path jar, Path dataDir, Path logFile, List<String> jvmOptions, Duration readyTimeout)
      throws IOException, InterruptedException {
    return start(jar, dataDir, logFile, jvmOptions, List.of(), readyTimeout);
  }

  /**
   * Like {@link #start(Path, Path, Path, List, Duration)}, with more arguments for {@code tonari
   * server} (such as {@code --config FILE}).
   */
  public static ServerProcess start(Path jar, Path dataDir, Path logFile, List<String> jvmOptions, List<String> serverArguments, Duration readyTimeout)
      throws IOException, InterruptedException {
    return start(jar, dataDir, logFile, jvmOptions, serverArguments, java.util.Map.of(), readyTimeout);
  }

  /**
   * Like {@link #start(Path, Path, Path, List, List, Duration)}, with environment variables for the
   * server (S3 credentials, the catalog's password). A cluster role's {@code /ready} says whether
   * that role can serve (an ingester once it owns partitions and has replayed them, a querier once
   * it reaches the catalog), so the same wait is the per-role readiness.
   */
  /** The last lines of a log (temporary directories are gone by the time someone reads a failure). */
  static String tail(Path logFile, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, java.nio.charset.StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  public static ServerProcess start(
      Path jar, Path dataDir, Path logFile, List<String> jvmOptions, List<String> serverArguments, java.util.Map<String, String> environment,
      Duration readyTimeout) throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "server", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + port));
    command.addAll(serverArguments);
    Files.createDirectories(dataDir);
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    LIVE.add(process);
    process.onExit().thenAccept(LIVE::remove);
    ServerProcess server = new ServerProcess(process, port, dataDir);
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (!server.client.ready()) {
      if (!process.isAlive()) {
        throw new IOException("server on " + dataDir + " exited with " + process.exitValue() + " before it was ready; the end of " + logFile + ":\n" + tail(logFile, 15));
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new IOException("server on " + dataDir + " not ready within " + readyTimeout + "; the end of " + logFile + ":\n" + tail(logFile, 15));
      }
      Thread.sleep(50);
    }
    return server;
  }

  public static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public LokiHttpClient client() {
    return client;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** SIGKILL: the process gets no chance to flush or close anything. */
  public void killHard() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server pid " + process.pid() + " still alive 60 s after SIGKILL");
    }
  }

  /** SIGTERM and wait: the server flushes its head to parts and exits. */
  /**
   * Stops the server as {@link #stopGracefully} does and returns the CPU seconds its stop took (the
   * final flush, and the merge of each tenant's level-0 parts into one level-1 part), read from
   * {@code /proc} every 20 ms until it exits: the last reading misses at most that much. -1 when
   * {@code /proc} is not readable.
   */
  public double stopGracefullyMeasuringCpu(Duration timeout) throws InterruptedException {
    double before = cpuSeconds();
    process.destroy();
    double last = before;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new IllegalStateException("server pid " + process.pid() + " did not stop within " + timeout + " after SIGTERM; killed it");
      }
      double now = cpuSeconds();
      if (now >= 0) {
        last = now;
      }
    }
    return before < 0 ? -1 : last - before;
  }

  public int stopGracefully(Duration timeout) throws InterruptedException {
    stopGracefullyMeasuringCpu(timeout);
    return process.exitValue();
  }

  /** Peak resident set size so far (Linux VmHWM), in bytes; -1 when /proc is not readable. */
  public long peakResidentBytes() {
    return readProcStatusKilobytes(process.pid(), "VmHWM:") * 1024;
  }

  /**
   * CPU time the server process has used so far, user plus system, in seconds (Linux {@code
   * /proc/<pid>/stat} fields 14 and 15, in clock ticks of 1/100 s); -1 when it is not readable.
   */
  public double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count from after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU seconds of the server's live threads by kind (user plus system, {@code
   * /proc/<pid>/task/<tid>/stat}): the thread name with its digits dropped ({@code C2
   * CompilerThread}, {@code GC Thread#}, {@code ForkJoinPool-1-worker-}, which carries the
   * request handlers' virtual threads, {@code tonari-store-mai}: names are cut at 15 characters by
   * Linux). Threads that have exited are missing; their time is in {@link #cpuSeconds()} only.
   */
  public java.util.Map<String, Double> cpuSecondsByThreadKind() {
    java.util.Map<String, Double> byKind = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    try (var threads = Files.list(tasks)) {
      for (Path task : threads.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          byKind.merge(withoutDigits(name), ticks / (double) CLOCK_TICKS_PER_SECOND, Double::sum);
        } catch (IOException | RuntimeException e) {
          // The thread exited between the listing and the read: its time is in the process total.
        }
      }
    } catch (IOException e) {
      return java.util.Map.of();
    }
    return byKind;
  }

  private static String withoutDigits(String name) {
    StringBuilder kind = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        kind.append(c);
      }
    }
    return kind.toString();
  }

  /** {@code getconf CLK_TCK} on every Linux this runs on. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  static long readProcStatusKilobytes(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Waits up to the timeout for the process to exit on its own; true when it has. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process if it still runs, so that no test or benchmark leaves a server behind. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
