package dev.tonari.cluster.querier;

import java.io.IOException;

/**
 * A head request without the cluster's internal token, or with another one: the serving side
 * answers 401 with this message and reads nothing of the head.
 */
public final class HeadAccessDeniedException extends IOException {
  private static final long serialVersionUID = 1L;

  public HeadAccessDeniedException(String message) {
    super(message);
  }
}
