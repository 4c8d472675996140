package dev.tonari.store.object;

/** The key rules every {@link ObjectStore} enforces, so a key means the same in all of them. */
public final class ObjectKeys {
  /**
   * Names that {@link LocalObjectStore} gives its files while they are being written; keys may
   * not use it, so a half-written file can never be mistaken for an object.
   */
  static final String TEMPORARY_PREFIX = ".tonari-tmp-";

  private ObjectKeys() {}

  /**
   * Checks a key and returns it.
   *
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String validate(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    if (key.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("object key must not contain a backslash: " + key);
    }
    if (key.startsWith("/")) {
      throw new IllegalArgumentException("object key must be relative, not absolute: " + key);
    }
    if (key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("object key must not contain a NUL character: " + key);
    }
    if (key.length() > 2 && key.charAt(1) == ':' && Character.isLetter(key.charAt(0))) {
      throw new IllegalArgumentException("object key must be relative, not a drive path: " + key);
    }
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      String segment = key.substring(start, end);
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("object key must not have an empty segment: " + key);
      }
      if (segment.equals("..") || segment.equals(".")) {
        throw new IllegalArgumentException("object key must not have a '" + segment + "' segment: " + key);
      }
      if (segment.startsWith(TEMPORARY_PREFIX)) {
        throw new IllegalArgumentException("object key segment must not start with " + TEMPORARY_PREFIX + ": " + key);
      }
      if (slash < 0) {
        return key;
      }
      start = slash + 1;
    }
  }
}
