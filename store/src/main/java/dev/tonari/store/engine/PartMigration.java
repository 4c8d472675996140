package dev.tonari.store.engine;

import dev.tonari.store.object.ObjectInfo;
import dev.tonari.store.object.ObjectStore;
import dev.tonari.store.part.PartBytes;
import dev.tonari.store.part.PartReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Copies the parts of a local object store into a remote one (S3), each with its commit, so that
 * a server on the remote store serves them ({@code tonari storage migrate}). Resumable: a part
 * whose commit is already in the target with the same size is skipped, so an interrupted run
 * picks up where it stopped; a part uploaded without its commit is uploaded again. {@link
 * #verify} compares every part's bytes (CRC32C of the whole object) and commit.
 */
public final class PartMigration {
  /** Told after each part. */
  @FunctionalInterface
  public interface Progress {
    void partDone(int done, int total, long bytesDone, long bytesTotal, String key, boolean skipped);
  }

  /** What a run did. */
  public record Result(int copied, int skipped, long bytesCopied) {}

  /** What a verification found: problems, each naming the part; empty when the target matches. */
  public record Verification(int checked, List<String> problems) {}

  private PartMigration() {}

  /** The part keys of a store, sorted, with their sizes. */
  static List<ObjectInfo> parts(ObjectStore store) throws IOException {
    List<ObjectInfo> parts = new ArrayList<>();
    for (ObjectInfo info : store.list("")) {
      if (PartHandle.parse(info.key()) != null) {
        parts.add(info);
      }
    }
    return parts;
  }

  /**
   * Copies every part of {@code source} that {@code target} does not hold yet, uploading the part
   * and then its commit.
   */
  public static Result migrate(ObjectStore source, ObjectStore target, Progress progress) throws IOException {
    List<ObjectInfo> parts = parts(source);
    long bytesTotal = parts.stream().mapToLong(ObjectInfo::size).sum();
    long bytesDone = 0;
    int copied = 0;
    int skipped = 0;
    long bytesCopied = 0;
    for (int i = 0; i < parts.size(); i++) {
      ObjectInfo part = parts.get(i);
      boolean skip = committedWithSize(target, part.key(), part.size());
      if (!skip) {
        ByteBuffer bytes = source.get(part.key());
        PartReader reader = PartReader.open(part.key(), bytes);
        byte[] commit = PartCommit.of(part.key(), PartBytes.of(bytes), reader.indexRanges()).encode();
        byte[] content = new byte[bytes.remaining()];
        bytes.duplicate().get(content);
        target.put(part.key(), content);
        String commitKey = PartCommit.keyOf(part.key());
        // A commit left by an earlier run for a part of another size would be wrong: replace it.
        target.put(commitKey, commit);
        copied++;
        bytesCopied += part.size();
      } else {
        skipped++;
      }
      bytesDone += part.size();
      progress.partDone(i + 1, parts.size(), bytesDone, bytesTotal, part.key(), skip);
    }
    return new Result(copied, skipped, bytesCopied);
  }

  private static boolean committedWithSize(ObjectStore target, String partKey, long size) throws IOException {
    try {
      PartCommit commit = PartCommit.decode(PartCommit.keyOf(partKey), target.get(PartCommit.keyOf(partKey)));
      if (commit.partSize() != size) {
        return false;
      }
      List<ObjectInfo> listed = target.list(partKey);
      return !listed.isEmpty() && listed.get(0).key().equals(partKey) && listed.get(0).size() == size;
    } catch (NoSuchFileException | dev.tonari.store.part.CorruptPartException e) {
      return false;
    }
  }

  /** Checks that every part of {@code source} is in {@code target} with the same bytes and a commit that matches it. */
  public static Verification verify(ObjectStore source, ObjectStore target, Progress progress) throws IOException {
    List<ObjectInfo> parts = parts(source);
    long bytesTotal = parts.stream().mapToLong(ObjectInfo::size).sum();
    long bytesDone = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      ObjectInfo part = parts.get(i);
      try {
        long expected = crc(source.get(part.key()));
        long actual = crc(target.get(part.key()));
        if (expected != actual) {
          problems.add(part.key() + ": content differs (CRC32C " + Long.toHexString(expected) + " here, " + Long.toHexString(actual) + " in the target)");
        }
        PartCommit commit = PartCommit.decode(PartCommit.keyOf(part.key()), target.get(PartCommit.keyOf(part.key())));
        if (commit.partSize() != part.size() || !commit.partKey().equals(part.key())) {
          problems.add(part.key() + ": its commit names " + commit.partKey() + " of " + commit.partSize() + " bytes");
        }
      } catch (NoSuchFileException e) {
        problems.add(part.key() + ": missing in the target (" + e.getMessage() + ")");
      } catch (dev.tonari.store.part.CorruptPartException e) {
        problems.add(part.key() + ": " + e.getMessage());
      }
      bytesDone += part.size();
      progress.partDone(i + 1, parts.size(), bytesDone, bytesTotal, part.key(), false);
    }
    return new Verification(parts.size(), problems);
  }

  private static long crc(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate());
    return crc.getValue();
  }
}
