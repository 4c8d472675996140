package dev.tonari.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An immutable set of label name/value pairs, sorted by name, as Loki and Prometheus identify a
 * stream. Names are unique. The canonical text form is Loki's: {@code {app="api", env="prod"}}.
 */
public final class Labels implements Comparable<Labels> {
  public static final Labels EMPTY = new Labels(new String[0]);

  /** name0, value0, name1, value1, ... sorted by name. */
  private final String[] pairs;
  private int hash;
  private long fingerprint;
  private String text;

  private Labels(String[] pairs) {
    this.pairs = pairs;
  }

  /** Labels from alternating names and values, in any order; a repeated name is an error. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length == 2) {
      // One label, the common case of a series grouped by one label: nothing to sort or check.
      return new Labels(new String[] {java.util.Objects.requireNonNull(namesAndValues[0], "label name"), namesAndValues[1]});
    }
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("labels need name/value pairs, got an odd count");
    }
    TreeMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (map.put(namesAndValues[i], namesAndValues[i + 1]) != null) {
        throw new IllegalArgumentException("duplicate label name: " + namesAndValues[i]);
      }
    }
    return of(map);
  }

  public static Labels of(Map<String, String> map) {
    if (map.isEmpty()) {
      return EMPTY;
    }
    TreeMap<String, String> sorted = map instanceof TreeMap<String, String> t && t.comparator() == null ? t : new TreeMap<>(map);
    String[] pairs = new String[sorted.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      pairs[i++] = e.getKey();
      pairs[i++] = e.getValue();
    }
    return new Labels(pairs);
  }

  /**
   * Parses the text form {@code {name="value", ...}} that Loki's protobuf push and its APIs use.
   * Values are Go-quoted strings (backslash escapes). Whitespace between tokens is ignored.
   *
   * @throws IllegalArgumentException naming the offset and what was expected
   */
  public static Labels parse(String text) {
    return new LabelsParser(text).parse();
  }

  public int size() {
    return pairs.length / 2;
  }

  public boolean isEmpty() {
    return pairs.length == 0;
  }

  public String name(int index) {
    return pairs[index * 2];
  }

  public String value(int index) {
    return pairs[index * 2 + 1];
  }

  /** The value of a label, or null when the set has no such label. */
  public String get(String name) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = pairs[mid * 2].compareTo(name);
      if (c == 0) {
        return pairs[mid * 2 + 1];
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < pairs.length; i += 2) {
      action.accept(pairs[i], pairs[i + 1]);
    }
  }

  public List<String> names() {
    List<String> names = new ArrayList<>(size());
    for (int i = 0; i < pairs.length; i += 2) {
      names.add(pairs[i]);
    }
    return Collections.unmodifiableList(names);
  }

  public Map<String, String> toMap() {
    TreeMap<String, String> map = new TreeMap<>();
    forEach(map::put);
    return map;
  }

  /** A copy with one label set (added or replaced); an empty value removes it, as in Prometheus. */
  public Labels with(String name, String value) {
    TreeMap<String, String> map = new TreeMap<>(toMap());
    if (value == null || value.isEmpty()) {
      map.remove(name);
    } else {
      map.put(name, value);
    }
    return of(map);
  }

  /**
   * A stable 64-bit hash of the names and values (FNV-1a over the canonical text's characters),
   * used to identify a stream in files; equal label sets always have equal fingerprints.
   */
  public long fingerprint() {
    long f = fingerprint;
    if (f == 0) {
      f = 0xcbf29ce484222325L;
      for (String s : pairs) {
        for (int i = 0; i < s.length(); i++) {
          f ^= s.charAt(i);
          f *= 0x100000001b3L;
        }
        f ^= 0xff;
        f *= 0x100000001b3L;
      }
      if (f == 0) {
        f = 1;
      }
      fingerprint = f;
    }
    return f;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof Labels other && Arrays.equals(pairs, other.pairs));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(pairs);
      hash = h;
    }
    return h;
  }

  @Override
  public int compareTo(Labels other) {
    int n = Math.min(pairs.length, other.pairs.length);
    for (int i = 0; i < n; i++) {
      if (pairs[i] == other.pairs[i]) {
        continue; // names are mostly the same instances: a sort of series compared them char by char
      }
      int c = pairs[i].compareTo(other.pairs[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pairs.length, other.pairs.length);
  }

  /** The canonical text form, {@code {a="1", b="2"}}, with Go string escapes in values. */
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      StringBuilder sb = new StringBuilder(pairs.length * 8 + 2).append('{');
      for (int i = 0; i < pairs.length; i += 2) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(pairs[i]).append("=");
        appendQuoted(sb, pairs[i + 1]);
      }
      t = sb.append('}').toString();
      text = t;
    }
    return t;
  }

  /** Appends a Go-style double-quoted string. */
  public static void appendQuoted(StringBuilder sb, String value) {
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }
}
