package dev.tonari.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads push bodies. With a declared {@code Content-Length} the body is read into one array of
 * that size: {@code readNBytes(limit + 1)} alone reads in 8 KiB chunks and copies them together at
 * the end, which was an eighth of the bytes the push path allocated (JFR, 1 MB bodies), and for
 * bodies over half a G1 region both arrays are humongous allocations.
 */
final class RequestBodies {
  private RequestBodies() {}

  /**
   * At most {@code limit + 1} bytes of the body: a result longer than {@code limit} means the body
   * is over the limit (the caller answers 413), and an oversized body costs no more than that.
   *
   * @param declared the request's Content-Length, or -1 when it has none (chunked)
   */
  static byte[] readAtMost(InputStream in, long declared, int limit) throws IOException {
    if (declared < 0 || declared > limit) {
      return in.readNBytes(limit + 1);
    }
    byte[] body = new byte[(int) declared];
    int read = in.readNBytes(body, 0, body.length);
    if (read < body.length) {
      // The connection ended early; what arrived is what the decoder sees, as before.
      return Arrays.copyOf(body, read);
    }
    // A body longer than its header says: read on, still bounded by the limit.
    byte[] rest = in.readNBytes(limit + 1 - body.length);
    if (rest.length == 0) {
      return body;
    }
    byte[] whole = Arrays.copyOf(body, body.length + rest.length);
    System.arraycopy(rest, 0, whole, body.length, rest.length);
    return whole;
  }
}
