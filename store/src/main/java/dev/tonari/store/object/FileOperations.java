package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file-system calls {@link LocalObjectStore} makes, behind one seam so that a test can make
 * any of them fail (a full disk mid-write, a failed rename) and check that no partial object
 * becomes visible. {@link #SYSTEM} is the real implementation.
 */
interface FileOperations {
  FileOperations SYSTEM = new SystemFileOperations();

  /** Creates the file, which must not exist, writes all bytes and forces them to the device. */
  void writeNew(Path file, byte[] data) throws IOException;

  /** Copies a file to a target that must not exist and forces the copy to the device. */
  void copyNew(Path source, Path target) throws IOException;

  /** Forces a file's content to the device. */
  void force(Path file) throws IOException;

  /**
   * Renames in one step, replacing the target.
   *
   * @throws java.nio.file.AtomicMoveNotSupportedException when source and target are on different
   *     file systems
   */
  void moveAtomically(Path source, Path target) throws IOException;

  /** Forces a directory's entries (creations, renames, deletions) to the device. */
  void forceDirectory(Path directory) throws IOException;

  void createDirectory(Path directory) throws IOException;

  /**
   * Makes {@code link} a second name of {@code existing}, in one step.
   *
   * @throws java.nio.file.FileAlreadyExistsException when {@code link} exists
   */
  default void linkNew(Path link, Path existing) throws IOException {
    Files.createLink(link, existing);
  }

  boolean deleteIfExists(Path file) throws IOException;

  /** The real calls, on the default file system. */
  final class SystemFileOperations implements FileOperations {
    @Override
    public void writeNew(Path file, byte[] data) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
    }

    @Override
    public void copyNew(Path source, Path target) throws IOException {
      Files.copy(source, target);
      force(target);
    }

    @Override
    public void force(Path file) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
      try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }

    @Override
    public void createDirectory(Path directory) throws IOException {
      Files.createDirectory(directory);
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
      return Files.deleteIfExists(file);
    }
  }
}
