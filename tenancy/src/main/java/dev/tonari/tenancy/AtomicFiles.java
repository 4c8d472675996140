package dev.tonari.tenancy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a reader (or a crash) sees either the old content or the new one,
 * never a mix or an empty file: write a temporary file beside it, fsync it, rename it over the
 * target, fsync the directory so the rename itself is durable.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(Path target, byte[] content) throws IOException {
    replace(target, content, true);
  }

  /**
   * Replaces {@code target} atomically for readers (temporary file and rename) without fsync: for
   * derived data that can be recomputed, in a checksummed format, where two fsyncs per write would
   * cost more than the work that made the data. After a crash the file holds the old content, the
   * new one, or (on file systems that reorder the rename before the data) a torn file that its
   * checksum reveals.
   */
  public static void replaceWithoutSync(Path target, byte[] content) throws IOException {
    replace(target, content, false);
  }

  private static void replace(Path target, byte[] content, boolean sync) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temporary = directory.resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (sync) {
        channel.force(true);
      }
    }
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
    if (sync) {
      syncDirectory(directory);
    }
  }

  /** Makes a rename in {@code directory} durable; a no-op where directories cannot be opened (Windows). */
  public static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Directories cannot be opened for fsync on every platform; the rename is still atomic there.
    }
  }
}
