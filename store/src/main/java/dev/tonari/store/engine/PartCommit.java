package dev.tonari.store.engine;

import dev.tonari.store.part.CorruptPartException;
import dev.tonari.store.part.PartBytes;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The commit object of a part in a remote object store: a part is visible exactly when its commit
 * exists. It names the part, its size, and holds the part's index (header, bloom filters, footer
 * and trailer: the ranges {@link dev.tonari.store.part.PartReader#open} reads), so opening a part
 * costs one small GET and no read of the part itself.
 *
 * <p>Key {@code <tenant>/commits/<level>-<sequence>.commit} beside {@code
 * <tenant>/parts/<level>-<sequence>.part}. Layout (little-endian; "string" is a u32 length and
 * UTF-8 bytes):
 *
 * <pre>
 *   0  4  magic 0x89 'T' 'N' 'C'
 *   4 13  "tonari-commit"
 *  17  4  u32 version = 1
 *  21     string part key
 *         u64 part size in bytes
 *         u32 range count, then per range: u64 offset, u32 length, the part's bytes of that range
 *         (ascending, not overlapping)
 *  end-4  u32 CRC32C of every byte before it
 * </pre>
 */
record PartCommit(String partKey, long partSize, long[] offsets, ByteBuffer[] ranges) {
  private static final byte[] MAGIC = {(byte) 0x89, 'T', 'N', 'C'};
  private static final byte[] FORMAT = "tonari-commit".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  static final String COMMITS_SEGMENT = "commits";
  static final String SUFFIX = ".commit";

  /** The commit key of a part key ({@code t/parts/00-1.part} to {@code t/commits/00-1.commit}). */
  static String keyOf(String partKey) {
    String[] segments = partKey.split("/", -1);
    String name = segments[2].substring(0, segments[2].length() - PartHandle.SUFFIX.length());
    return segments[0] + "/" + COMMITS_SEGMENT + "/" + name + SUFFIX;
  }

  /** The part key a commit key names by position, or null when the key is not a commit's. */
  static String partKeyOf(String commitKey) {
    String[] segments = commitKey.split("/", -1);
    if (segments.length != 3 || !segments[1].equals(COMMITS_SEGMENT) || !segments[2].endsWith(SUFFIX)) {
      return null;
    }
    String partKey = segments[0] + "/" + PartHandle.PARTS_SEGMENT + "/" + segments[2].substring(0, segments[2].length() - SUFFIX.length()) + PartHandle.SUFFIX;
    return PartHandle.parse(partKey) == null ? null : partKey;
  }

  /** The commit of a part whose bytes are at hand, holding the given index ranges. */
  static PartCommit of(String partKey, PartBytes part, List<long[]> indexRanges) throws IOException {
    long[] offsets = new long[indexRanges.size()];
    ByteBuffer[] ranges = new ByteBuffer[indexRanges.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = indexRanges.get(i)[0];
      ranges[i] = part.read(offsets[i], (int) indexRanges.get(i)[1]);
    }
    return new PartCommit(partKey, part.size(), offsets, ranges);
  }

  byte[] encode() {
    byte[] key = partKey.getBytes(StandardCharsets.UTF_8);
    long size = MAGIC.length + FORMAT.length + 4 + 4 + key.length + 8 + 4 + 4;
    for (ByteBuffer range : ranges) {
      size += 12 + range.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put(FORMAT).putInt(VERSION).putInt(key.length).put(key).putLong(partSize).putInt(ranges.length);
    for (int i = 0; i < ranges.length; i++) {
      out.putLong(offsets[i]).putInt(ranges[i].remaining()).put(ranges[i].duplicate());
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * Reads a commit object.
   *
   * @param name the commit's key, for messages
   * @throws CorruptPartException naming the commit when any check fails
   */
  static PartCommit decode(String name, ByteBuffer buffer) throws CorruptPartException {
    ByteBuffer in = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < MAGIC.length + FORMAT.length + 8 + 4) {
      throw new CorruptPartException(name, "commit of " + in.remaining() + " bytes is too short");
    }
    CRC32C crc = new CRC32C();
    crc.update(in.slice(0, in.remaining() - 4));
    if ((int) crc.getValue() != in.getInt(in.remaining() - 4)) {
      throw new CorruptPartException(name, "commit checksum mismatch");
    }
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      byte[] format = new byte[FORMAT.length];
      in.get(format);
      if (!Arrays.equals(magic, MAGIC) || !Arrays.equals(format, FORMAT)) {
        throw new CorruptPartException(name, "not a tonari commit: bad magic or format name");
      }
      int version = in.getInt();
      if (version != VERSION) {
        throw new CorruptPartException(name, "unsupported commit version " + version + " (this reader knows " + VERSION + ")");
      }
      int keyLength = in.getInt();
      if (keyLength < 0 || keyLength > in.remaining()) {
        throw new CorruptPartException(name, "part key length " + keyLength + " runs past the commit");
      }
      byte[] key = new byte[keyLength];
      in.get(key);
      String partKey = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
      long partSize = in.getLong();
      if (partSize < 0 || partSize > Integer.MAX_VALUE) {
        throw new CorruptPartException(name, "part size " + partSize + " is outside 0..2 GiB");
      }
      int count = in.getInt();
      if (count < 0 || count > in.remaining() / 12) {
        throw new CorruptPartException(name, "range count " + count + " is more than the commit can hold");
      }
      long[] offsets = new long[count];
      ByteBuffer[] ranges = new ByteBuffer[count];
      long end = 0;
      for (int i = 0; i < count; i++) {
        long offset = in.getLong();
        int length = in.getInt();
        if (offset < end || offset > partSize || length < 0 || length > in.remaining() - 4 || offset + length > partSize) {
          throw new CorruptPartException(name, "range " + i + " [" + offset + "+" + length + "] is out of order or outside the part");
        }
        offsets[i] = offset;
        ranges[i] = in.slice(in.position(), length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + length);
        end = offset + length;
      }
      if (in.remaining() != 4) {
        throw new CorruptPartException(name, (in.remaining() - 4) + " unexpected bytes after the ranges");
      }
      return new PartCommit(partKey, partSize, offsets, ranges);
    } catch (BufferUnderflowException | CharacterCodingException e) {
      throw new CorruptPartException(name, "commit ends in the middle of a field or holds a bad string", -1, -1, in.position(), e);
    }
  }

  /** The bytes of {@code [offset, offset + length)} when one range holds all of them, else null. */
  ByteBuffer find(long offset, int length) {
    int low = 0;
    int high = offsets.length - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (offsets[middle] <= offset) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    int candidate = high;
    if (candidate < 0) {
      return null;
    }
    long start = offsets[candidate];
    if (offset + length > start + ranges[candidate].remaining()) {
      return null;
    }
    return ranges[candidate].slice((int) (offset - start), length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Bytes of the part held in this commit. */
  long indexBytes() {
    long sum = 0;
    for (ByteBuffer range : ranges) {
      sum += range.remaining();
    }
    return sum;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PartCommit c && c.partKey.equals(partKey) && c.partSize == partSize && Arrays.equals(c.offsets, offsets)
        && Arrays.equals(c.ranges, ranges);
  }

  @Override
  public int hashCode() {
    return partKey.hashCode() * 31 + Long.hashCode(partSize);
  }

  @Override
  public String toString() {
    return "PartCommit[" + partKey + ", " + partSize + " bytes, " + offsets.length + " ranges]";
  }

  static List<long[]> rangesOf(PartCommit commit) {
    List<long[]> result = new ArrayList<>();
    for (int i = 0; i < commit.offsets.length; i++) {
      result.add(new long[] {commit.offsets[i], commit.ranges[i].remaining()});
    }
    return result;
  }
}
