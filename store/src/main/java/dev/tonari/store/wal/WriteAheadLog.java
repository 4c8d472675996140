package dev.tonari.store.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log of {@link WalRecord}s in numbered segment files ({@code
 * 00000000000000000001.wal}, ...) under one directory.
 *
 * <p>Each segment starts with a header (magic {@code TNRW}, the format name {@code tonari-wal},
 * version 1) followed by records framed as {@code [u32 payload length][u32 CRC32C of
 * payload][payload]} (see {@link WalRecordCodec} for the payload).
 *
 * <p>Group commit: callers {@link #submit} encoded records to a queue; one writer thread takes
 * everything queued, writes it with one call and makes it durable with one {@code force}, then
 * completes every caller's future. A record is acknowledged only after the fsync that covers it.
 * After a write or fsync error the log refuses all further records (the page cache state is then
 * unknown, so retrying an fsync could silently lose data).
 *
 * <p>Opening replays segments at or above a given id in order. A torn or corrupt tail (short
 * frame, impossible length, bad CRC, undecodable payload) ends that segment's replay: the segment
 * is truncated there with a warning naming the file and offset, and replay continues with the next
 * segment. Writing always continues in a fresh segment numbered above every existing one.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);

  public static final String SEGMENT_SUFFIX = ".wal";
  static final int MAGIC = 0x544E5257;
  static final String FORMAT_NAME = "tonari-wal";
  static final int VERSION = 1;
  static final int HEADER_BYTES = 4 + 2 + FORMAT_NAME.length() + 2;
  static final int FRAME_HEADER_BYTES = 8;
  /** Larger lengths can only come from corruption: a push body is limited far below this. */
  static final int MAX_RECORD_BYTES = 512 << 20;

  /** Receives replayed records in log order. */
  @FunctionalInterface
  public interface ReplayHandler {
    void accept(long segmentId, WalRecord record);
  }

  private final Path directory;
  private final LongAdder fsyncs = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder recordsWritten = new LongAdder();
  private final Object queueMonitor = new Object();
  private ArrayList<Pending> queue = new ArrayList<>();
  private boolean closing;
  private volatile IOException failure;
  private volatile long currentSegmentId;
  private FileChannel channel;
  private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1 << 20);
  private final Thread writer;

  private static class Pending extends CompletableFuture<Long> {
    final byte[] payload;
    /** The record is {@code payload[0, length)}; a pooled array is longer. */
    final int length;
    final int crc;

    Pending(byte[] payload, int length, int crc) {
      this.payload = payload;
      this.length = length;
      this.crc = crc;
    }
  }

  /** A queue marker that makes the writer switch to a new segment after what precedes it. */
  private static final class RotateMarker extends Pending {
    RotateMarker() {
      super(null, 0, 0);
    }
  }

  private WriteAheadLog(Path directory, long segmentId) throws IOException {
    this.directory = directory;
    this.currentSegmentId = segmentId;
    this.channel = createSegment(segmentId);
    this.writer = new Thread(this::runWriter, "tonari-wal-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Replays segments with id {@code >= firstSegmentId} into {@code handler}, then opens a new
   * segment for writing.
   */
  public static WriteAheadLog open(Path directory, long firstSegmentId, ReplayHandler handler) throws IOException {
    Files.createDirectories(directory);
    long next = Math.max(1, firstSegmentId);
    for (long id : segmentIds(directory)) {
      if (id >= firstSegmentId) {
        replaySegment(segmentPath(directory, id), id, handler);
      }
      next = Math.max(next, id + 1);
    }
    return new WriteAheadLog(directory, next);
  }

  /** Ids of the segment files in a directory, ascending. */
  public static List<Long> segmentIds(Path directory) throws IOException {
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return ids;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(SEGMENT_SUFFIX)) {
          try {
            ids.add(Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length())));
          } catch (NumberFormatException e) {
            log.warn("ignoring {}: not a WAL segment name", file);
          }
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  public static Path segmentPath(Path directory, long id) {
    return directory.resolve(String.format("%020d%s", id, SEGMENT_SUFFIX));
  }

  /** The segment that records submitted now go to. */
  public long currentSegmentId() {
    return currentSegmentId;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Queues an encoded record; the future completes with the segment id once the record is
   * fsynced, or exceptionally with the IOException that prevented it.
   */
  public CompletableFuture<Long> submit(byte[] payload) {
    return submit(payload, payload.length);
  }

  /**
   * {@link #submit(byte[])} of the record in {@code payload[0, length)}. The writer has copied it
   * out by the time the future completes, so the array may then be reused.
   */
  public CompletableFuture<Long> submit(byte[] payload, int length) {
    if (length < 0 || length > payload.length) {
      throw new IllegalArgumentException("record length " + length + " outside its array of " + payload.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, length);
    Pending pending = new Pending(payload, length, (int) crc.getValue());
    enqueue(pending);
    return pending;
  }

  /** Encodes, submits and waits for durability. */
  public long append(WalRecord record) throws IOException {
    return await(submit(WalRecordCodec.encode(record)));
  }

  /**
   * Makes the writer finish the current segment (everything submitted before this call is written
   * and fsynced into it) and continue in a new one, whose id is returned.
   */
  public long rotate() throws IOException {
    RotateMarker marker = new RotateMarker();
    enqueue(marker);
    return await(marker);
  }

  /** Waits for a submitted record, turning its failure back into an IOException. */
  public static long await(CompletableFuture<Long> future) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          // The record is already queued; giving up now would acknowledge nothing but leave it
          // written, so wait for the outcome and restore the flag afterwards.
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
          }
          throw new IOException("WAL append failed in the segment writer", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Deletes segment files with an id below {@code segmentId}; the current one is always kept. */
  public void deleteSegmentsBelow(long segmentId) throws IOException {
    boolean deleted = false;
    for (long id : segmentIds(directory)) {
      if (id < segmentId && id < currentSegmentId) {
        Files.deleteIfExists(segmentPath(directory, id));
        deleted = true;
      }
    }
    if (deleted) {
      syncDirectory(directory);
    }
  }

  public long fsyncs() {
    return fsyncs.sum();
  }

  public long bytesWritten() {
    return bytesWritten.sum();
  }

  public long recordsWritten() {
    return recordsWritten.sum();
  }

  private void enqueue(Pending pending) {
    IOException failed = failure;
    if (failed != null) {
      pending.completeExceptionally(new IOException("WAL in " + directory + " failed earlier: " + failed.getMessage(), failed));
      return;
    }
    synchronized (queueMonitor) {
      if (closing) {
        pending.completeExceptionally(new IOException("WAL in " + directory + " is closed"));
        return;
      }
      queue.add(pending);
      queueMonitor.notifyAll();
    }
  }

  private void runWriter() {
    while (true) {
      ArrayList<Pending> batch;
      synchronized (queueMonitor) {
        while (queue.isEmpty() && !closing) {
          try {
            queueMonitor.wait();
          } catch (InterruptedException e) {
            // Only close() stops the writer; an interrupt alone must not drop queued records.
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        batch = queue;
        queue = new ArrayList<>();
      }
      writeBatch(batch);
    }
  }

  private void writeBatch(List<Pending> batch) {
    int start = 0;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof RotateMarker marker) {
        writeAndSync(batch, start, i);
        start = i + 1;
        if (failure != null) {
          marker.completeExceptionally(failure);
          continue;
        }
        try {
          channel.close();
          long next = currentSegmentId + 1;
          channel = createSegment(next);
          currentSegmentId = next;
          marker.complete(next);
        } catch (IOException e) {
          fail(e);
          marker.completeExceptionally(e);
        }
      }
    }
    writeAndSync(batch, start, batch.size());
  }

  /** Writes records [from, to) of a batch, forces once and completes them. */
  private void writeAndSync(List<Pending> batch, int from, int to) {
    if (from >= to) {
      return;
    }
    IOException failed = failure;
    if (failed == null) {
      long segment = currentSegmentId;
      try {
        long total = 0;
        for (int i = from; i < to; i++) {
          total += FRAME_HEADER_BYTES + batch.get(i).length;
        }
        writeBuffer.clear();
        for (int i = from; i < to; i++) {
          Pending p = batch.get(i);
          if (writeBuffer.remaining() < FRAME_HEADER_BYTES + p.length) {
            drain();
            if (writeBuffer.capacity() < FRAME_HEADER_BYTES + p.length) {
              writeBuffer = ByteBuffer.allocateDirect(FRAME_HEADER_BYTES + p.length);
            }
          }
          writeBuffer.putInt(p.length).putInt(p.crc).put(p.payload, 0, p.length);
        }
        drain();
        channel.force(false);
        fsyncs.increment();
        bytesWritten.add(total);
        recordsWritten.add(to - from);
        for (int i = from; i < to; i++) {
          batch.get(i).complete(segment);
        }
        return;
      } catch (IOException | UncheckedIOException e) {
        failed = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
        fail(new IOException("writing WAL segment " + segmentPath(directory, segment) + " failed", failed));
        failed = failure;
      }
    }
    for (int i = from; i < to; i++) {
      batch.get(i).completeExceptionally(failed);
    }
  }

  private void drain() throws IOException {
    writeBuffer.flip();
    while (writeBuffer.hasRemaining()) {
      channel.write(writeBuffer);
    }
    writeBuffer.clear();
  }

  private void fail(IOException e) {
    if (failure == null) {
      failure = e;
      log.error("WAL in {} stopped accepting records", directory, e);
    }
  }

  private FileChannel createSegment(long id) throws IOException {
    Path path = segmentPath(directory, id);
    FileChannel created = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      byte[] name = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);
      header.putInt(MAGIC).putShort((short) name.length).put(name).putShort((short) VERSION).flip();
      while (header.hasRemaining()) {
        created.write(header);
      }
      created.force(true);
      syncDirectory(directory);
      return created;
    } catch (IOException e) {
      created.close();
      throw new IOException("creating WAL segment " + path + " failed", e);
    }
  }

  /** Makes a directory's entries (created, renamed, deleted files) durable. */
  public static void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static void replaySegment(Path path, long id, ReplayHandler handler) throws IOException {
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = file.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      if (size < HEADER_BYTES) {
        // A crash while the segment was being created: nothing in it was ever acknowledged.
        log.warn("WAL segment {} is shorter than its header ({} bytes); truncating it to empty", path, size);
        file.truncate(0);
        file.force(true);
        return;
      }
      readFully(file, header, 0);
      header.flip();
      int magic = header.getInt();
      int nameLength = header.getShort();
      byte[] name = new byte[Math.max(0, Math.min(nameLength, header.remaining()))];
      header.get(name);
      int version = header.remaining() >= 2 ? header.getShort() : -1;
      if (magic != MAGIC || !FORMAT_NAME.equals(new String(name, StandardCharsets.US_ASCII)) || version != VERSION) {
        log.error("WAL segment {} has no valid header (magic {}, version {}); skipping it", path, Integer.toHexString(magic), version);
        return;
      }
      long offset = HEADER_BYTES;
      ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES);
      String tornReason = null;
      while (offset < size) {
        if (size - offset < FRAME_HEADER_BYTES) {
          tornReason = "short frame header";
          break;
        }
        frame.clear();
        readFully(file, frame, offset);
        frame.flip();
        int length = frame.getInt();
        int expectedCrc = frame.getInt();
        if (length <= 0 || length > MAX_RECORD_BYTES) {
          tornReason = "impossible record length " + length;
          break;
        }
        if (length > size - offset - FRAME_HEADER_BYTES) {
          tornReason = "record of " + length + " bytes runs past the end of the file";
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(file, payload, offset + FRAME_HEADER_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(payload.array(), 0, length);
        if ((int) crc.getValue() != expectedCrc) {
          tornReason = "CRC32C mismatch";
          break;
        }
        payload.flip();
        WalRecord record;
        try {
          record = WalRecordCodec.decode(payload);
        } catch (IllegalArgumentException e) {
          tornReason = "undecodable record: " + e.getMessage();
          break;
        }
        handler.accept(id, record);
        offset += FRAME_HEADER_BYTES + length;
      }
      if (tornReason != null) {
        log.warn("WAL segment {} has a torn or corrupt tail at offset {} ({}); truncating {} bytes", path, offset, tornReason, size - offset);
        file.truncate(offset);
        file.force(true);
      }
    } catch (NoSuchFileException e) {
      log.warn("WAL segment {} disappeared during replay", path);
    }
  }

  private static void readFully(FileChannel file, ByteBuffer buffer, long position) throws IOException {
    long p = position;
    while (buffer.hasRemaining()) {
      int n = file.read(buffer, p);
      if (n < 0) {
        throw new IOException("unexpected end of " + file + " at offset " + p);
      }
      p += n;
    }
  }

  /** Writes and fsyncs everything queued, then stops the writer and closes the segment. */
  @Override
  public void close() throws IOException {
    synchronized (queueMonitor) {
      if (closing) {
        return;
      }
      closing = true;
      queueMonitor.notifyAll();
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    channel.close();
  }
}
