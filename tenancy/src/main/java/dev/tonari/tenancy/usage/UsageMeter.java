package dev.tonari.tenancy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.BitSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters usage per tenant and UTC day, and keeps it in {@code <data_dir>/usage/<yyyy-mm-dd>.json}
 * so it survives restarts. Counting is lock-free ({@link LongAdder}s) so pushes and queries pay
 * nothing measurable; files are rewritten atomically by {@link #flush()} (periodically once {@link
 * #start}ed, and on {@link #close()}). What was counted after the last flush is lost on a crash:
 * at most one flush interval of metering, never the data itself.
 *
 * <p>Stored bytes are sampled from a {@link StoredBytesSource}: each UTC hour is credited at most
 * once (the hours already sampled are persisted with the day), with the bytes stored at that
 * moment; the sum is byte-hours, which {@link UsageReport} prices per GB-month. Hours when the
 * server was down are not billed.
 */
public final class UsageMeter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMinutes(1);

  private final Path directory;
  private final Clock clock;
  private final StoredBytesSource storedBytes;
  private final Map<LocalDate, Day> days = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;

  private static final class Counters {
    final LongAdder entriesIngested = new LongAdder();
    final LongAdder bytesIngested = new LongAdder();
    final LongAdder storedByteHours = new LongAdder();
    final AtomicLong storedBytes = new AtomicLong();
    final LongAdder bytesScanned = new LongAdder();
    final LongAdder queries = new LongAdder();
    final LongAdder entriesRefused = new LongAdder();
    final LongAdder writeRequests = new LongAdder();
    final LongAdder readRequests = new LongAdder();

    UsageFigures figures() {
      return new UsageFigures(entriesIngested.sum(), bytesIngested.sum(), storedByteHours.sum(), storedBytes.get(), bytesScanned.sum(),
          queries.sum(), entriesRefused.sum(), writeRequests.sum(), readRequests.sum());
    }
  }

  private static final class Day {
    final Map<String, Counters> tenants = new ConcurrentHashMap<>();
    final BitSet sampledHours = new BitSet(24);
    final AtomicLong changes = new AtomicLong();
    long flushedChanges;

    Counters counters(String tenant) {
      return tenants.computeIfAbsent(tenant, key -> new Counters());
    }

    /**
     * Called after a counter changed: a flush that read the change count before this increment
     * writes the day again next time, so no addition is ever left unwritten.
     */
    void changed() {
      changes.incrementAndGet();
    }
  }

  private UsageMeter(Path directory, Clock clock, StoredBytesSource storedBytes) {
    this.directory = directory;
    this.clock = clock;
    this.storedBytes = storedBytes;
  }

  /**
   * Opens the meter of a data directory and loads every persisted day. A day file that cannot be
   * parsed is moved aside to {@code .corrupt} and reported in the log, so one damaged file does
   * not stop the server; its figures are lost.
   */
  public static UsageMeter open(Path dataDir, Clock clock, StoredBytesSource storedBytes) throws IOException {
    Path directory = dataDir.resolve("usage");
    Files.createDirectories(directory);
    UsageMeter meter = new UsageMeter(directory, Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(storedBytes, "storedBytes"));
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        try {
          meter.load(file);
        } catch (IOException | RuntimeException e) {
          Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
          Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
          LOG.error("usage file {} is unreadable; moved it to {} and continue without its figures", file, aside, e);
        }
      }
    }
    return meter;
  }

  public void recordIngested(String tenant, long entries, long bytes) {
    Day day = today();
    Counters counters = day.counters(tenant);
    counters.entriesIngested.add(entries);
    counters.bytesIngested.add(bytes);
    day.changed();
  }

  /**
   * Counts object-store requests made for a tenant's data: {@code write} for those S3 prices as
   * writes (PUT, LIST), otherwise as reads (GET, HEAD).
   */
  public void recordObjectRequest(String tenant, boolean write) {
    Day day = today();
    Counters counters = day.counters(tenant);
    (write ? counters.writeRequests : counters.readRequests).increment();
    day.changed();
  }

  public void recordRefused(String tenant, long entries) {
    Day day = today();
    day.counters(tenant).entriesRefused.add(entries);
    day.changed();
  }

  /** One query of a tenant (a multi-tenant query counts once per tenant, with its share of bytes). */
  public void recordQuery(String tenant, long bytesScanned) {
    Day day = today();
    Counters counters = day.counters(tenant);
    counters.queries.increment();
    counters.bytesScanned.add(bytesScanned);
    day.changed();
  }

  /**
   * Bytes a tenant's long-running read scanned after it was counted as a query (a tail's later
   * polls): priced as scanned bytes without counting another query.
   */
  public void recordScanned(String tenant, long bytesScanned) {
    Day day = today();
    day.counters(tenant).bytesScanned.add(bytesScanned);
    day.changed();
  }

  /**
   * Samples stored bytes for the current UTC hour if it has not been sampled yet.
   *
   * @return true when this call credited the hour
   */
  public boolean sampleStoredBytes() {
    Instant now = clock.instant();
    Day day = day(LocalDate.ofInstant(now, ZoneOffset.UTC));
    int hour = now.atZone(ZoneOffset.UTC).getHour();
    synchronized (day.sampledHours) {
      if (day.sampledHours.get(hour)) {
        return false;
      }
      Map<String, Long> stored = storedBytes.storedBytesByTenant();
      for (Map.Entry<String, Long> tenant : stored.entrySet()) {
        Counters counters = day.counters(tenant.getKey());
        counters.storedByteHours.add(tenant.getValue());
        counters.storedBytes.set(tenant.getValue());
      }
      day.sampledHours.set(hour);
      day.changed();
      return true;
    }
  }

  /** Figures per day (UTC) and tenant, from {@code from} to {@code to} inclusive. */
  public Map<LocalDate, Map<String, UsageFigures>> snapshot(LocalDate from, LocalDate to) {
    Map<LocalDate, Map<String, UsageFigures>> result = new TreeMap<>();
    days.forEach((date, day) -> {
      if (!date.isBefore(from) && !date.isAfter(to)) {
        Map<String, UsageFigures> tenants = new TreeMap<>();
        day.tenants.forEach((tenant, counters) -> tenants.put(tenant, counters.figures()));
        result.put(date, tenants);
      }
    });
    return result;
  }

  /** Today's figures per tenant (UTC), for /metrics. */
  public Map<String, UsageFigures> todayByTenant() {
    LocalDate date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return snapshot(date, date).getOrDefault(date, Map.of());
  }

  /** Writes every day changed since its last write, atomically. */
  public synchronized void flush() throws IOException {
    for (Map.Entry<LocalDate, Day> entry : new TreeMap<>(days).entrySet()) {
      Day day = entry.getValue();
      long changes = day.changes.get();
      if (changes == day.flushedChanges) {
        continue;
      }
      AtomicFiles.write(directory.resolve(entry.getKey() + ".json"), render(entry.getKey(), day));
      day.flushedChanges = changes;
    }
  }

  /** Flushes and samples every {@code interval} on one daemon thread until {@link #close()}. */
  public synchronized UsageMeter start(Duration interval) {
    if (scheduler != null) {
      throw new IllegalStateException("usage meter already started in " + directory);
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "usage-meter");
      thread.setDaemon(true);
      return thread;
    });
    long millis = Math.max(1, interval.toMillis());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        sampleStoredBytes();
        flush();
      } catch (IOException | RuntimeException e) {
        LOG.error("usage metering in {} failed to sample or write; retrying next interval", directory, e);
      }
    }, 0, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void close() throws IOException {
    ScheduledExecutorService running;
    synchronized (this) {
      running = scheduler;
      scheduler = null;
    }
    if (running != null) {
      running.shutdownNow();
      try {
        if (!running.awaitTermination(5, TimeUnit.SECONDS)) {
          LOG.warn("usage meter thread in {} did not stop within 5 s", directory);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  private Day today() {
    return day(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
  }

  private Day day(LocalDate date) {
    return days.computeIfAbsent(date, key -> new Day());
  }

  private byte[] render(LocalDate date, Day day) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("day", date.toString());
    ArrayNode hours = root.putArray("sampled_hours");
    synchronized (day.sampledHours) {
      day.sampledHours.stream().forEach(hours::add);
    }
    ObjectNode tenants = root.putObject("tenants");
    for (Map.Entry<String, Counters> tenant : new TreeMap<>(day.tenants).entrySet()) {
      UsageFigures figures = tenant.getValue().figures();
      ObjectNode node = tenants.putObject(tenant.getKey());
      node.put("entries_ingested", figures.entriesIngested());
      node.put("bytes_ingested", figures.bytesIngested());
      node.put("stored_byte_hours", figures.storedByteHours());
      node.put("stored_bytes", figures.storedBytes());
      node.put("bytes_scanned", figures.bytesScanned());
      node.put("queries", figures.queries());
      node.put("entries_refused", figures.entriesRefused());
      node.put("write_requests", figures.writeRequests());
      node.put("read_requests", figures.readRequests());
    }
    return MAPPER.writeValueAsBytes(root);
  }

  private void load(Path file) throws IOException {
    JsonNode root = MAPPER.readTree(file.toFile());
    LocalDate date;
    try {
      date = LocalDate.parse(root.path("day").asText());
    } catch (DateTimeParseException e) {
      throw new IOException("usage file " + file + " has no valid \"day\"", e);
    }
    Day day = day(date);
    for (JsonNode hour : root.path("sampled_hours")) {
      day.sampledHours.set(hour.asInt());
    }
    root.path("tenants").fields().forEachRemaining(tenant -> {
      Counters counters = day.tenants.computeIfAbsent(tenant.getKey(), key -> new Counters());
      JsonNode node = tenant.getValue();
      counters.entriesIngested.add(node.path("entries_ingested").asLong());
      counters.bytesIngested.add(node.path("bytes_ingested").asLong());
      counters.storedByteHours.add(node.path("stored_byte_hours").asLong());
      counters.storedBytes.set(node.path("stored_bytes").asLong());
      counters.bytesScanned.add(node.path("bytes_scanned").asLong());
      counters.queries.add(node.path("queries").asLong());
      counters.entriesRefused.add(node.path("entries_refused").asLong());
      // Absent in files written before object-store requests were metered: 0.
      counters.writeRequests.add(node.path("write_requests").asLong());
      counters.readRequests.add(node.path("read_requests").asLong());
    });
    day.flushedChanges = day.changes.get();
  }
}
