package dev.tonari.ingest;

/**
 * Loki's own message texts (pkg/validation/validate.go), so clients and operators see the same
 * words they would from Loki. Format with {@link String#format}; Go's {@code %v} became {@code %s}.
 */
final class LokiMessages {
  static final String MISSING_LABELS = "error at least one label pair is required per stream";
  static final String INVALID_LABELS = "Error parsing labels '%s' with error: %s";
  static final String LINE_TOO_LONG = "Max entry size '%d' bytes exceeded for stream '%s' while adding an entry with length '%d' bytes";
  static final String TOO_OLD = "entry for stream '%s' has timestamp too old: %s, oldest acceptable timestamp is: %s";
  static final String TOO_NEW = "entry for stream '%s' has timestamp too new: %s";
  static final String MAX_LABEL_NAMES = "entry for stream '%s' has %d label names; limit %d";
  static final String LABEL_NAME_TOO_LONG = "stream '%s' has label name too long: '%s'";
  static final String LABEL_VALUE_TOO_LONG = "stream '%s' has label value too long: '%s'";
  static final String DUPLICATE_LABEL_NAME = "stream '%s' has duplicate label name: '%s'";
  static final String BODY_TOO_LARGE = "request body too large: %d bytes, limit: %d bytes";
  static final String PARSE_ERROR_PREFIX = "error parsing push request: ";

  private LokiMessages() {}
}
