package dev.tonari.alerts.history;

/**
 * Bytes that are not a valid history file header or record: the only exception the decoders throw
 * on any input. Readers treat it at a record as the end of the file's valid part (a torn tail).
 */
public final class CorruptHistoryException extends Exception {
  private static final long serialVersionUID = 1L;

  public CorruptHistoryException(String message) {
    super(message);
  }
}
