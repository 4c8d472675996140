package dev.tonari.alerts.delivery.notify;

import com.google.re2j.Pattern;
import dev.tonari.alerts.delivery.ChecksummedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications not yet delivered, on disk, one atomic file per notification: written (and
 * fsynced) before the first attempt, rewritten after each failed one, deleted after success; after
 * the last attempt moved to the dead-letter list, where an operator retries or discards it.
 *
 * <p>Layout: {@code <directory>/pending/<id>.item} and {@code <directory>/dead/<id>.item}, each a
 * {@link ChecksummedFile} named {@code TNOUTBOX}, version 1, whose payload is the item's JSON
 * ({@link OutboxItem}). One file per item keeps a retry rewrite small and a crash harmless: a
 * file is whole or absent. A file that fails its checksum is moved to {@code damaged/} and
 * logged, never sent. An item found both pending and dead (a crash during the move) is dead.
 */
public final class Outbox {
  private static final Pattern ITEM_ID = Pattern.compile("[0-9a-zA-Z-]+");

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  public static final String FORMAT = "TNOUTBOX";
  public static final int VERSION = 1;
  private static final String SUFFIX = ".item";

  private final Path pendingDirectory;
  private final Path deadDirectory;
  private final Path damagedDirectory;
  private final Map<String, OutboxItem> pending = new TreeMap<>();
  private final Map<String, OutboxItem> dead = new TreeMap<>();
  private final java.util.Set<String> published = new java.util.HashSet<>();

  public Outbox(Path directory) throws IOException {
    this.pendingDirectory = directory.resolve("pending");
    this.deadDirectory = directory.resolve("dead");
    this.damagedDirectory = directory.resolve("damaged");
    Files.createDirectories(pendingDirectory);
    Files.createDirectories(deadDirectory);
    load(deadDirectory, dead);
    load(pendingDirectory, pending);
    for (String id : List.copyOf(pending.keySet())) {
      if (dead.containsKey(id)) {
        pending.remove(id);
        Files.deleteIfExists(file(pendingDirectory, id));
      }
    }
    published.addAll(pending.keySet());
  }

  private void load(Path directory, Map<String, OutboxItem> into) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
        try {
          OutboxItem item = OutboxItem.fromJson(ChecksummedFile.read(file, FORMAT, VERSION));
          into.put(item.id(), item);
        } catch (IOException | RuntimeException e) {
          Files.createDirectories(damagedDirectory);
          Path aside = damagedDirectory.resolve(file.getFileName());
          LOG.error("outbox item {} is unreadable; moved to {} and not sent", file, aside, e);
          Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Stores a new item durably; it is not sent before {@link #publish}. */
  public synchronized void write(OutboxItem item) throws IOException {
    ChecksummedFile.write(file(pendingDirectory, item.id()), FORMAT, VERSION, item.toJson());
    pending.put(item.id(), item);
  }

  /** Makes written items visible to {@link #due}. */
  public synchronized void publish(List<OutboxItem> items) {
    for (OutboxItem item : items) {
      published.add(item.id());
    }
  }

  /** Published pending items whose next attempt is due, oldest first. */
  public synchronized List<OutboxItem> due(Instant now) {
    List<OutboxItem> due = new ArrayList<>();
    for (OutboxItem item : pending.values()) {
      if (published.contains(item.id()) && !item.nextAttemptAt().isAfter(now)) {
        due.add(item);
      }
    }
    return due;
  }

  /** Records a failed attempt (the item stays pending). */
  public synchronized void reschedule(OutboxItem item) throws IOException {
    ChecksummedFile.write(file(pendingDirectory, item.id()), FORMAT, VERSION, item.toJson());
    pending.put(item.id(), item);
  }

  /** The item was delivered: forget it. */
  public synchronized void complete(String id) throws IOException {
    pending.remove(id);
    published.remove(id);
    Files.deleteIfExists(file(pendingDirectory, id));
  }

  /** Moves an item to the dead-letter list (written there before it leaves pending). */
  public synchronized void bury(OutboxItem item) throws IOException {
    ChecksummedFile.write(file(deadDirectory, item.id()), FORMAT, VERSION, item.toJson());
    dead.put(item.id(), item);
    pending.remove(item.id());
    published.remove(item.id());
    Files.deleteIfExists(file(pendingDirectory, item.id()));
  }

  public synchronized List<OutboxItem> pending(String tenant) {
    return pending.values().stream().filter(item -> item.tenant().equals(tenant)).toList();
  }

  /** Every pending and dead item, for rebuilding the notification log at start. */
  public synchronized List<OutboxItem> all() {
    List<OutboxItem> all = new ArrayList<>(pending.values());
    all.addAll(dead.values());
    all.sort(Comparator.comparing(OutboxItem::createdAt));
    return all;
  }

  public synchronized List<OutboxItem> deadLetters(String tenant) {
    return dead.values().stream().filter(item -> item.tenant().equals(tenant)).toList();
  }

  /** Puts a dead letter back in the pending list with its attempts reset, due at {@code now}. */
  public synchronized Optional<OutboxItem> revive(String id, Instant now) throws IOException {
    OutboxItem item = dead.get(id);
    if (item == null) {
      return Optional.empty();
    }
    OutboxItem revived = item.withAttempt(0, now, item.lastError());
    write(revived);
    published.add(id);
    dead.remove(id);
    try {
      Files.delete(file(deadDirectory, id));
    } catch (NoSuchFileException e) {
      LOG.warn("dead letter {} was already gone from {}", id, deadDirectory);
    }
    return Optional.of(revived);
  }

  public synchronized boolean discard(String id) throws IOException {
    if (dead.remove(id) == null) {
      return false;
    }
    Files.deleteIfExists(file(deadDirectory, id));
    return true;
  }

  private static Path file(Path directory, String id) {
    if (!ITEM_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("outbox item ids are letters, digits and dashes, got " + id);
    }
    return directory.resolve(id + SUFFIX);
  }
}
