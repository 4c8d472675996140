package dev.tonari.ingest;

import java.nio.charset.StandardCharsets;

/** Builds the 400 of a malformed body: what was wrong, where (byte offset) and the bytes around it. */
final class ParseErrors {
  private static final int CONTEXT_BYTES = 24;

  private ParseErrors() {}

  static PushException malformed(String format, String what, PushDecoder.Payload payload, long offset, Throwable cause) {
    StringBuilder message = new StringBuilder(LokiMessages.PARSE_ERROR_PREFIX).append(format).append(": ").append(what);
    if (offset >= 0) {
      message.append(" at byte offset ").append(offset).append(" of ").append(payload.length());
      message.append(", near '").append(context(payload, offset)).append('\'');
    }
    return cause == null ? new PushException(400, message.toString()) : new PushException(400, message.toString(), cause);
  }

  /** The bytes around {@code offset}, decoded leniently, control characters escaped; the offset is marked by '>>'. */
  static String context(PushDecoder.Payload payload, long offset) {
    int at = (int) Math.max(0, Math.min(offset, payload.length()));
    int from = Math.max(0, at - CONTEXT_BYTES);
    int to = Math.min(payload.length(), at + CONTEXT_BYTES);
    String before = new String(payload.bytes(), from, at - from, StandardCharsets.UTF_8);
    String after = new String(payload.bytes(), at, to - at, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(before.length() + after.length() + 8);
    escape(sb, before);
    sb.append(">>");
    escape(sb, after);
    return sb.toString();
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
  }
}
