package dev.tonari.store.part;

import java.io.IOException;

/**
 * A part's bytes are not what its writer wrote: a checksum, magic number, length or structural
 * check failed. The part must be set aside, never served. The message names the part and, where
 * known, the stream, block and file offset.
 */
public final class CorruptPartException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String partName;
  private final int streamIndex;
  private final int blockIndex;
  private final long offset;

  public CorruptPartException(String partName, String problem) {
    this(partName, problem, -1, -1, -1, null);
  }

  public CorruptPartException(String partName, String problem, Throwable cause) {
    this(partName, problem, -1, -1, -1, cause);
  }

  public CorruptPartException(String partName, String problem, int streamIndex, int blockIndex, long offset, Throwable cause) {
    super(message(partName, problem, streamIndex, blockIndex, offset), cause);
    this.partName = partName;
    this.streamIndex = streamIndex;
    this.blockIndex = blockIndex;
    this.offset = offset;
  }

  private static String message(String partName, String problem, int streamIndex, int blockIndex, long offset) {
    StringBuilder sb = new StringBuilder("corrupt part ").append(partName).append(": ").append(problem);
    if (streamIndex >= 0) {
      sb.append(" (stream ").append(streamIndex);
      if (blockIndex >= 0) {
        sb.append(", block ").append(blockIndex);
      }
      if (offset >= 0) {
        sb.append(", offset ").append(offset);
      }
      sb.append(')');
    } else if (offset >= 0) {
      sb.append(" (offset ").append(offset).append(')');
    }
    return sb.toString();
  }

  public String partName() {
    return partName;
  }

  /** Index of the stream in the part, or -1 when the problem is not in one stream. */
  public int streamIndex() {
    return streamIndex;
  }

  /** Index of the block within its stream, or -1. */
  public int blockIndex() {
    return blockIndex;
  }

  /** File offset of the damaged structure, or -1. */
  public long offset() {
    return offset;
  }
}
