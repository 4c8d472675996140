package dev.tonari.rules.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Namespace and group names as the rules API accepts them, and the file names API namespaces are
 * stored under. Loki takes any namespace (clients URL-escape it in the path, {@code a/b} as
 * {@code a%2Fb}); a file name cannot hold {@code /} or be {@code ..}, so a namespace is stored
 * percent-encoded: {@code [A-Za-z0-9_-]} and inner dots as they are, every other byte of its UTF-8
 * as {@code %XX}. The encoding is one to one, so no name reaches outside its tenant's directory
 * and two names never share a file.
 */
public final class RuleNames {
  /** Longest encoded file name (less {@code .yaml}) the store writes: file systems allow 255 bytes. */
  static final int MAX_FILE_NAME_BYTES = 240;
  static final int MAX_GROUP_NAME_LENGTH = 1024;

  private RuleNames() {}

  /** Why a namespace cannot be used, or empty. */
  public static Optional<String> namespaceProblem(String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      return Optional.of("the namespace is empty");
    }
    Optional<String> control = controlCharacter(namespace);
    if (control.isPresent()) {
      return Optional.of("namespace '" + printable(namespace) + "' contains the control character " + control.get());
    }
    int length = fileNameOf(namespace).length();
    if (length > MAX_FILE_NAME_BYTES) {
      return Optional.of("namespace '" + namespace + "' is too long: stored as a file name of " + length + " bytes, over the limit of "
          + MAX_FILE_NAME_BYTES);
    }
    return Optional.empty();
  }

  /** Why a group name cannot be used, or empty. */
  public static Optional<String> groupProblem(String group) {
    if (group == null || group.isEmpty()) {
      return Optional.of("the group name is empty");
    }
    Optional<String> control = controlCharacter(group);
    if (control.isPresent()) {
      return Optional.of("group name '" + printable(group) + "' contains the control character " + control.get());
    }
    if (group.length() > MAX_GROUP_NAME_LENGTH) {
      return Optional.of("group name of " + group.length() + " characters is over the limit of " + MAX_GROUP_NAME_LENGTH);
    }
    return Optional.empty();
  }

  /** The file name (without {@code .yaml}) an API namespace is stored under. */
  static String fileNameOf(String namespace) {
    StringBuilder out = new StringBuilder();
    byte[] bytes = namespace.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean kept = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-' || (b == '.' && i > 0);
      if (kept) {
        out.append((char) b);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b));
      }
    }
    return out.toString();
  }

  /** The namespace of a stored file name; empty when the name is not one {@link #fileNameOf} writes. */
  static Optional<String> namespaceOf(String fileName) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < fileName.length(); i++) {
      char c = fileName.charAt(i);
      if (c == '%') {
        if (i + 2 >= fileName.length()) {
          return Optional.empty();
        }
        int high = Character.digit(fileName.charAt(i + 1), 16);
        int low = Character.digit(fileName.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return Optional.empty();
      }
    }
    String namespace = bytes.toString(StandardCharsets.UTF_8);
    return fileNameOf(namespace).equals(fileName) ? Optional.of(namespace) : Optional.empty();
  }

  private static Optional<String> controlCharacter(String text) {
    return text.codePoints().filter(c -> c < 0x20 || c == 0x7f).mapToObj(c -> String.format(Locale.ROOT, "U+%04X", c)).findFirst();
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
