package dev.tonari.logql;

/** What a line filter looks for: a string (literal, regex or pattern per the operator) or an IP range. */
public sealed interface LineFilterTerm {
  /** A quoted string; its meaning depends on the filter's operator. */
  record Text(String value) implements LineFilterTerm {
    public Text {
      if (value == null) {
        throw new IllegalArgumentException("line filter text must not be null");
      }
    }
  }

  /** {@code ip("192.168.0.0/16")}: an address, a range or a CIDR. */
  record Ip(String range) implements LineFilterTerm {
    public Ip {
      if (range == null) {
        throw new IllegalArgumentException("ip filter range must not be null");
      }
    }
  }
}
