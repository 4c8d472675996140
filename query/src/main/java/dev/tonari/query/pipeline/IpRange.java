package dev.tonari.query.pipeline;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address, CIDR ({@code 10.0.0.0/8}) or range ({@code 10.0.0.1-10.0.0.9}) of IPv4 or IPv6, as
 * Loki's {@code ip("...")} filters take. Addresses are parsed from literals only: no name lookups.
 */
final class IpRange {
  private final BigInteger low;
  private final BigInteger high;
  private final int length;

  private IpRange(BigInteger low, BigInteger high, int length) {
    this.low = low;
    this.high = high;
    this.length = length;
  }

  static IpRange parse(String text) throws PipelineCompileException {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    int dash = trimmed.indexOf('-');
    if (slash >= 0) {
      byte[] address = address(trimmed.substring(0, slash));
      int bits;
      try {
        bits = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      if (address == null || bits < 0 || bits > address.length * 8) {
        throw invalid(text);
      }
      BigInteger value = new BigInteger(1, address);
      int hostBits = address.length * 8 - bits;
      BigInteger mask = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE);
      BigInteger network = value.andNot(mask);
      return new IpRange(network, network.or(mask), address.length);
    }
    if (dash >= 0) {
      byte[] start = address(trimmed.substring(0, dash));
      byte[] end = address(trimmed.substring(dash + 1));
      if (start == null || end == null || start.length != end.length) {
        throw invalid(text);
      }
      BigInteger low = new BigInteger(1, start);
      BigInteger high = new BigInteger(1, end);
      if (low.compareTo(high) > 0) {
        throw invalid(text);
      }
      return new IpRange(low, high, start.length);
    }
    byte[] single = address(trimmed);
    if (single == null) {
      throw invalid(text);
    }
    BigInteger value = new BigInteger(1, single);
    return new IpRange(value, value, single.length);
  }

  private static PipelineCompileException invalid(String text) {
    return new PipelineCompileException("invalid ip pattern: " + text);
  }

  boolean contains(String candidate) {
    byte[] address = address(candidate);
    if (address == null || address.length != length) {
      return false;
    }
    BigInteger value = new BigInteger(1, address);
    return value.compareTo(low) >= 0 && value.compareTo(high) <= 0;
  }

  /** Whether any address-like token of a line is in the range. */
  boolean foundIn(String line) {
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (isAddressCharacter(c)) {
        int end = i;
        while (end < n && isAddressCharacter(line.charAt(end))) {
          end++;
        }
        if (contains(line.substring(i, end))) {
          return true;
        }
        i = end;
      } else {
        i++;
      }
    }
    return false;
  }

  private static boolean isAddressCharacter(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
  }

  /** A literal IPv4 or IPv6 address as bytes, or null. */
  static byte[] address(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    if (text.indexOf(':') < 0) {
      String[] octets = text.split("\\.", -1);
      if (octets.length != 4) {
        return null;
      }
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        String octet = octets[i];
        if (octet.isEmpty() || octet.length() > 3 || (octet.length() > 1 && octet.charAt(0) == '0')) {
          return null;
        }
        int value = 0;
        for (int j = 0; j < octet.length(); j++) {
          char c = octet.charAt(j);
          if (c < '0' || c > '9') {
            return null;
          }
          value = value * 10 + (c - '0');
        }
        if (value > 255) {
          return null;
        }
        bytes[i] = (byte) value;
      }
      return bytes;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!isAddressCharacter(text.charAt(i))) {
        return null;
      }
    }
    try {
      // Only hex digits, dots and colons reach here, so this parses a literal and never resolves a name.
      byte[] bytes = InetAddress.getByName(text).getAddress();
      return bytes.length == 16 ? bytes : null;
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }
}
