package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An {@link ObjectStore} in a local directory: the object {@code a/b/c} is the file {@code
 * root/a/b/c}.
 *
 * <p>Publishing writes (or copies) into a temporary file named {@code .tonari-tmp-*} in the
 * target's directory, forces it to the device, renames it over the target in one step and forces
 * the directory, so a crash at any point leaves either the old state or the complete new object,
 * never a prefix. Temporary files left by a crash are never listed, and are deleted when a store
 * is opened on the directory. {@link #get} maps the file read-only: readers pay no copy, and a
 * mapping stays valid after the object is deleted or replaced (the old inode lives on).
 */
public final class LocalObjectStore implements ObjectStore {
  private final Path root;
  private final FileOperations files;
  private volatile boolean closed;

  public LocalObjectStore(Path root) throws IOException {
    this(root, FileOperations.SYSTEM);
  }

  /** With other file operations, so that tests can inject failures. */
  LocalObjectStore(Path root, FileOperations files) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.files = files;
    Files.createDirectories(this.root);
    deleteTemporaryFiles();
  }

  public Path root() {
    return root;
  }

  @Override
  public void put(String key, Path source) throws IOException {
    Path target = resolve(key);
    createParentDirectories(target);
    // The content must be on the device before the rename makes it visible under the key.
    files.force(source);
    try {
      files.moveAtomically(source, target);
    } catch (AtomicMoveNotSupportedException differentFileSystems) {
      moveInThroughTemporary(target, temporary -> files.copyNew(source, temporary));
    }
    files.forceDirectory(target.getParent());
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    Path target = resolve(key);
    createParentDirectories(target);
    moveInThroughTemporary(target, temporary -> files.writeNew(temporary, data));
    files.forceDirectory(target.getParent());
  }

  /**
   * Writes a temporary file and links it under the key: {@code link(2)} fails when the name
   * exists, so of two writers exactly one wins, and the winner's object is complete when it
   * appears.
   */
  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    Path target = resolve(key);
    createParentDirectories(target);
    Path temporary = temporaryFileFor(target);
    try {
      files.writeNew(temporary, data);
      try {
        files.linkNew(target, temporary);
      } catch (FileAlreadyExistsException taken) {
        return false;
      }
      files.forceDirectory(target.getParent());
      return true;
    } finally {
      files.deleteIfExists(temporary);
    }
  }

  /** Writes the content of an object into a file of its own. */
  private interface TemporaryWriter {
    void write(Path temporary) throws IOException;
  }

  /**
   * Writes a temporary file next to the target and renames it over the target, so a reader sees
   * the whole object or none; a failed write leaves no temporary file behind.
   */
  private void moveInThroughTemporary(Path target, TemporaryWriter writer) throws IOException {
    Path temporary = temporaryFileFor(target);
    try {
      writer.write(temporary);
      files.moveAtomically(temporary, target);
    } catch (IOException | RuntimeException e) {
      deleteQuietlyAfterFailure(temporary, e);
      throw e;
    }
  }

  @Override
  public ByteBuffer get(String key) throws IOException {
    Path file = resolve(key);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException("object " + key + " is " + size + " bytes, more than one buffer can map");
      }
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (NoSuchFileException e) {
      throw noSuchObject(key, e);
    }
  }

  /**
   * The range read into a heap buffer with positional reads, not mapped: for a reader that reads
   * each range once (a part's bloom regions checked at open), so that the pages stay the kernel's
   * page cache and never join the process's resident set.
   */
  @Override
  public ByteBuffer getRange(String key, long offset, int length) throws IOException {
    Path file = resolve(key);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new java.io.EOFException("range [" + offset + ", " + (offset + length) + ") runs past object " + key + " of " + size + " bytes");
      }
      ByteBuffer target = ByteBuffer.allocate(length);
      while (target.hasRemaining()) {
        int read = channel.read(target, offset + target.position());
        if (read < 0) {
          throw new java.io.EOFException("object " + key + " ended at " + (offset + target.position()) + " while reading [" + offset + ", " + (offset + length) + ")");
        }
      }
      return target.flip();
    } catch (NoSuchFileException e) {
      throw noSuchObject(key, e);
    }
  }

  private NoSuchFileException noSuchObject(String key, NoSuchFileException cause) {
    NoSuchFileException named = new NoSuchFileException(key, null, "no such object in " + root);
    named.initCause(cause);
    return named;
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    ensureOpen();
    if (prefix.indexOf('\\') >= 0 || prefix.startsWith("/")) {
      throw new IllegalArgumentException("object key prefix must be relative with '/' separators: " + prefix);
    }
    int lastSlash = prefix.lastIndexOf('/');
    Path start = lastSlash < 0 ? root : root.resolve(prefix.substring(0, lastSlash)).normalize();
    if (!start.startsWith(root) || !Files.isDirectory(start)) {
      return List.of();
    }
    List<ObjectInfo> result = new ArrayList<>();
    Files.walkFileTree(start, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(ObjectKeys.TEMPORARY_PREFIX)) {
          String key = keyOf(file);
          if (key.startsWith(prefix)) {
            result.add(new ObjectInfo(key, attributes.size()));
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        // A file deleted while we walk is simply no longer there; other failures are real.
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    result.sort(Comparator.comparing(ObjectInfo::key));
    return result;
  }

  @Override
  public boolean delete(String key) throws IOException {
    Path file = resolve(key);
    boolean existed = files.deleteIfExists(file);
    if (existed) {
      files.forceDirectory(file.getParent());
    }
    return existed;
  }

  @Override
  public void close() {
    closed = true;
  }

  private String keyOf(Path file) {
    String relative = root.relativize(file).toString();
    return file.getFileSystem().getSeparator().equals("/") ? relative : relative.replace(file.getFileSystem().getSeparator(), "/");
  }

  private Path resolve(String key) {
    ensureOpen();
    ObjectKeys.validate(key);
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IllegalArgumentException("object key resolves outside the store root " + root + ": " + key);
    }
    return path;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("object store at " + root + " is closed");
    }
  }

  /** Creates missing parent directories, forcing each new entry into its parent directory. */
  private void createParentDirectories(Path target) throws IOException {
    Path parent = target.getParent();
    List<Path> missing = new ArrayList<>();
    for (Path p = parent; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(p);
    }
    for (int i = missing.size() - 1; i >= 0; i--) {
      Path directory = missing.get(i);
      try {
        files.createDirectory(directory);
      } catch (FileAlreadyExistsException concurrentlyCreated) {
        if (!Files.isDirectory(directory)) {
          throw concurrentlyCreated;
        }
      }
      files.forceDirectory(directory.getParent());
    }
  }

  private static Path temporaryFileFor(Path target) {
    String name = ObjectKeys.TEMPORARY_PREFIX + target.getFileName() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    return target.resolveSibling(name);
  }

  private void deleteQuietlyAfterFailure(Path temporary, Exception failure) {
    try {
      files.deleteIfExists(temporary);
    } catch (IOException | RuntimeException cleanupFailure) {
      // The original failure is what the caller must see; this one rides along with it, and the
      // leftover temporary file is never listed and is removed on the next open.
      failure.addSuppressed(cleanupFailure);
    }
  }

  private void deleteTemporaryFiles() throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (file.getFileName().toString().startsWith(ObjectKeys.TEMPORARY_PREFIX)) {
          Files.deleteIfExists(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
