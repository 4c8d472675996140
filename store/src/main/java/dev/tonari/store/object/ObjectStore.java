package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where parts live: a local directory, the heap (tests), or an S3 bucket ({@code tonari-store-s3}). Objects are immutable blobs under keys that
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

  /**
   * The bytes {@code [offset, offset + length)} of an object, positioned at 0: what a remote store
   * answers with one ranged read instead of fetching the whole object. The default slices {@link
   * #get}.
   *
   * @throws NoSuchFileException naming the key when there is no such object
   * @throws java.io.EOFException when the range runs past the object's end
   */
  default ByteBuffer getRange(String key, long offset, int length) throws IOException {
    ByteBuffer whole = get(key);
    if (offset < 0 || length < 0 || offset + length > whole.remaining()) {
      throw new java.io.EOFException("range [" + offset + ", " + (offset + length) + ") runs past object " + key + " of " + whole.remaining() + " bytes");
    }
    return whole.slice(whole.position() + (int) offset, length);
  }

  /**
   * Publishes the bytes under the key only if no object is there, in one atomic step: of two
   * concurrent callers exactly one succeeds. Returns false, changing nothing, when the key was
   * taken. Commits use it so that two writers can never both claim one name.
   */
  boolean putIfAbsent(String key, byte[] data) throws IOException;

  /**
   * Whether objects live across a network (each request costs time and money): the engine then
   * keeps an index per part and fetches blocks by range into a local cache instead of mapping
   * whole objects. False for the local directory and the heap.
   */
  default boolean isRemote() {
    return false;
  }

  /**
   * Checks that the store can be used now (for a remote store: the bucket is there and accepts
   * the credentials). The default does nothing: a local store fails on use with a clear error.
   *
   * @throws IOException saying what is wrong
   */
  default void checkAccess() throws IOException {}

  /**
   * Requests and bytes sent to the store per tenant, for /metrics and the cost report; a local
   * store counts nothing (its requests cost no money) and returns empty counters.
   */
  default ObjectRequestCounters counters() {
    return ObjectRequestCounters.EMPTY;
  }

  /** Objects whose key starts with the prefix (plain string prefix, not only whole segments), sorted by key. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /** Deletes the object; false when there was none. */
  boolean delete(String key) throws IOException;

  @Override
  void close() throws IOException;
}
