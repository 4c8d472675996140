package dev.tonari.tenancy.auth;

import java.math.BigInteger;

/**
 * Fixed-width base62 ({@code 0-9A-Za-z}) of byte strings: token text that survives URLs, shells,
 * HTTP Basic and double-click selection without escaping. Fixed width (leading zeros kept) so a
 * token's length never reveals anything about its secret.
 */
final class Base62 {
  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final BigInteger BASE = BigInteger.valueOf(62);

  private Base62() {}

  /** Characters needed for {@code bytes} bytes: ceil(8 * bytes / log2(62)). */
  static int width(int bytes) {
    return (int) Math.ceil(bytes * 8 / (Math.log(62) / Math.log(2)));
  }

  static String encode(byte[] bytes) {
    BigInteger value = new BigInteger(1, bytes);
    char[] text = new char[width(bytes.length)];
    for (int i = text.length - 1; i >= 0; i--) {
      BigInteger[] divided = value.divideAndRemainder(BASE);
      text[i] = ALPHABET.charAt(divided[1].intValue());
      value = divided[0];
    }
    return new String(text);
  }

  /** Decodes text of exactly {@code width(bytes)} characters; null when it is not such text. */
  static byte[] decode(String text, int bytes) {
    if (text.length() != width(bytes)) {
      return null;
    }
    BigInteger value = BigInteger.ZERO;
    for (int i = 0; i < text.length(); i++) {
      int digit = ALPHABET.indexOf(text.charAt(i));
      if (digit < 0) {
        return null;
      }
      value = value.multiply(BASE).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.toByteArray();
    int start = magnitude.length > 1 && magnitude[0] == 0 ? 1 : 0;
    int length = magnitude.length - start;
    if (length > bytes) {
      return null;
    }
    byte[] result = new byte[bytes];
    System.arraycopy(magnitude, start, result, bytes - length, length);
    return result;
  }
}
