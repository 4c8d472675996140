package dev.tonari.cluster.querier;

import java.io.IOException;

/**
 * A head request or response that is malformed, of an unknown version, or past a limit. On the
 * serving side it means 400 (the message names what was wrong and the limit); on the querier's side
 * the ingester's answer cannot be used.
 */
public final class HeadProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public HeadProtocolException(String message) {
    super(message);
  }
}
