package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.tenancy.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing side of one tenant's history: its open episodes (the only episodes held in memory)
 * and the day file it appends to. Not thread-safe: {@link AlertHistory} serialises writes.
 */
final class TenantLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantLog.class);

  private final HistoryDirectory directory;
  private final String tenant;
  private EpisodeTracker open;
  /** The newest day that has a file; records never go to an older file than this. */
  private LocalDate newestDay;
  private LocalDate channelDay;
  private FileChannel channel;
  private boolean createdFile;

  private TenantLog(HistoryDirectory directory, String tenant) {
    this.directory = directory;
    this.tenant = tenant;
    this.open = new EpisodeTracker(tenant, false);
  }

  /**
   * Recovers the tenant's open episodes from its newest readable file: the open episodes it starts
   * with and the records after them. Files whose header is unreadable are set aside as {@code
   * .corrupt}; a newer file with no valid record (its creation was cut short) is passed over.
   */
  static TenantLog recover(HistoryDirectory directory, String tenant) throws IOException {
    TenantLog tenantLog = new TenantLog(directory, tenant);
    List<LocalDate> days = directory.days(tenant);
    for (int i = days.size() - 1; i >= 0; i--) {
      LocalDate day = days.get(i);
      Path file = directory.file(tenant, day);
      EpisodeTracker tracker = new EpisodeTracker(tenant, false);
      HistoryFile.Scan scan;
      try {
        scan = HistoryFile.scan(file, tracker::apply);
      } catch (CorruptHistoryException e) {
        Path aside = directory.quarantine(file);
        log.error("alert history of tenant {}: {} has an unreadable header ({}); set aside as {}", tenant, file, e.getMessage(), aside);
        continue;
      }
      if (!scan.header().tenant().equals(tenant) || scan.header().epochDay() != day.toEpochDay()) {
        Path aside = directory.quarantine(file);
        log.error("alert history of tenant {}: {} says it holds tenant {} day {}; set aside as {}", tenant, file, scan.header().tenant(),
            LocalDate.ofEpochDay(scan.header().epochDay()), aside);
        continue;
      }
      if (tenantLog.newestDay == null) {
        tenantLog.newestDay = day;
      }
      scan.tailProblem().ifPresent(problem -> log.warn("alert history of tenant {}: {} ends in a torn tail ({}); its {} valid records are kept",
          tenant, file, problem, scan.records()));
      if (scan.records() > 0) {
        tenantLog.open = tracker;
        break;
      }
    }
    return tenantLog;
  }

  EpisodeTracker openEpisodes() {
    return open;
  }

  /** Whether the last append started a new day file (the history then applies retention). */
  boolean takeCreatedFile() {
    boolean created = createdFile;
    createdFile = false;
    return created;
  }

  /**
   * Appends the transitions (episode ids assigned from the open episodes) and makes them durable
   * with one fsync per day file touched. The open episodes change even when writing fails: they
   * follow the ruler, and the failure is the caller's to report.
   *
   * @return the records written, in order
   */
  List<HistoryRecord.Transition> appendTransitions(List<AlertTransition> transitions) throws IOException {
    List<HistoryRecord.Transition> written = new ArrayList<>(transitions.size());
    int from = 0;
    while (from < transitions.size()) {
      LocalDate day = targetDay(transitions.get(from).at());
      int to = from;
      while (to < transitions.size() && targetDay(transitions.get(to).at()).equals(day)) {
        to++;
      }
      channelFor(day);
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      for (AlertTransition transition : transitions.subList(from, to)) {
        HistoryRecord.Transition record = open.recordOf(transition);
        open.apply(record);
        written.add(record);
        frames.writeBytes(HistoryCodec.frame(record));
      }
      writeDurably(frames.toByteArray());
      from = to;
    }
    return written;
  }

  /** Appends one acknowledgement and fsyncs it before returning. */
  void appendAcknowledgement(HistoryRecord.Acknowledged record) throws IOException {
    channelFor(targetDay(record.at()));
    writeDurably(HistoryCodec.frame(record));
    open.apply(record);
  }

  private LocalDate targetDay(Instant at) {
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    return newestDay != null && day.isBefore(newestDay) ? newestDay : day;
  }

  private FileChannel channelFor(LocalDate day) throws IOException {
    if (channel != null && day.equals(channelDay)) {
      return channel;
    }
    closeChannel();
    Path file = directory.file(tenant, day);
    if (Files.exists(file)) {
      channel = reopen(file, day);
    }
    if (channel == null) {
      create(file, day);
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      channel.position(channel.size());
    }
    channelDay = day;
    newestDay = newestDay == null || day.isAfter(newestDay) ? day : newestDay;
    return channel;
  }

  /** Opens an existing file for appending after its last valid record; null when it must be written anew. */
  private FileChannel reopen(Path file, LocalDate day) throws IOException {
    HistoryFile.Scan scan;
    try {
      scan = HistoryFile.scan(file, record -> {});
    } catch (CorruptHistoryException e) {
      Path aside = directory.quarantine(file);
      log.error("alert history of tenant {}: {} has an unreadable header ({}); set aside as {}, starting the day anew", tenant, file, e.getMessage(), aside);
      return null;
    }
    if (scan.records() == 0 || scan.header().epochDay() != day.toEpochDay() || !scan.header().tenant().equals(tenant)) {
      // Nothing valid after the header: the file's creation was cut short. Write it anew.
      return null;
    }
    FileChannel reopened = FileChannel.open(file, StandardOpenOption.WRITE);
    try {
      if (scan.torn()) {
        log.warn("alert history of tenant {}: truncating {} at offset {} ({}), dropping {} bytes that were never acknowledged", tenant, file,
            scan.validEnd(), scan.tailProblem().orElse("torn tail"), scan.size() - scan.validEnd());
        reopened.truncate(scan.validEnd());
        reopened.force(true);
      }
      reopened.position(scan.validEnd());
      return reopened;
    } catch (IOException | RuntimeException e) {
      reopened.close();
      throw e;
    }
  }

  /** Writes a new day file, header and open episodes, atomically: it exists whole or not at all. */
  private void create(Path file, LocalDate day) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(HistoryCodec.header(tenant, day.toEpochDay()));
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    bytes.writeBytes(HistoryCodec.frame(new HistoryRecord.OpenEpisodes(start, open.openEpisodes())));
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
      // The new tenant directory's own entry must be durable too, or a crash could lose the whole directory.
      AtomicFiles.syncDirectory(directory.root());
    }
    AtomicFiles.write(file, bytes.toByteArray());
    createdFile = true;
  }

  /**
   * Writes and fsyncs. After a failure the channel is closed, so that the next append reopens the
   * file and truncates whatever part of this write reached it: records after a torn frame would be
   * invisible to every reader.
   */
  private void writeDurably(byte[] bytes) throws IOException {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException | RuntimeException e) {
      try {
        closeChannel();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel closing = channel;
      channel = null;
      channelDay = null;
      closing.close();
    }
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
