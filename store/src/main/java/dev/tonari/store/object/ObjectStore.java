package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where parts live: a local directory now, S3 later. Objects are immutable blobs under keys that
 * are '/'-separated relative paths ({@code tenant/parts/000123.part}); a key has no empty
 * segment, no "." or ".." segment, no backslash, and does not start with '/'. Every
 * implementation passes {@code ObjectStoreContractTest}.
 *
 * <p>Publishing is atomic: a reader sees either the whole new object or nothing (or the old one),
 * never a prefix; when {@code put} returns, the object survives a crash of the process and of the
 * machine (for durable stores).
 */
public interface ObjectStore extends AutoCloseable {
  /**
   * Publishes the content of a local file under the key, replacing any object there. The source
   * file may be moved into the store (it no longer exists at its path afterwards) or left as is.
   */
  void put(String key, Path file) throws IOException;

  /** Publishes the bytes under the key, replacing any object there. */
  void put(String key, byte[] data) throws IOException;

  /**
   * The whole object, positioned at 0. {@link LocalObjectStore} maps the file read-only, so
   * reading costs no copy; the buffer stays valid after the object is deleted.
   *
   * @throws NoSuchFileException naming the key when there is no such object
   */
  ByteBuffer get(String key) throws IOException;

  /** Objects whose key starts with the prefix (plain string prefix, not only whole segments), sorted by key. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /** Deletes the object; false when there was none. */
  boolean delete(String key) throws IOException;

  @Override
  void close() throws IOException;
}
