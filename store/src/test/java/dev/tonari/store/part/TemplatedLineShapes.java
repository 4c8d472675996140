package dev.tonari.store.part;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random log lines made of the pieces that templated lines treat specially and their near misses,
 * for round-trip and differential tests.
 */
final class TemplatedLineShapes {
  private static final String[] WORDS = {
    "level=info", "msg=\"request done\"", "GET", "/api/v1/users/", "status=", "trace_id=", "ts=", "é", "語", "😀", "{\"a\":", "}", "-", ".",
    ":", "=", " ", "\t", "ms", "Z", "T", "x"
  };
  private static final String HEX_LOWER = "0123456789abcdef";
  private static final String HEX_UPPER = "0123456789ABCDEF";

  private TemplatedLineShapes() {}

  static long randomTimestamp(SplittableRandom random) {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextLong();
      case 1 -> Long.MIN_VALUE + random.nextInt(1000);
      case 2 -> Long.MAX_VALUE - random.nextInt(1000);
      default -> 1_700_000_000_000_000_000L + random.nextLong(200_000_000_000_000_000L);
    };
  }

  static byte[] randomLine(SplittableRandom random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = random.nextInt(8) == 0 ? 0 : random.nextInt(25);
    for (int i = 0; i < pieces; i++) {
      byte[] piece = randomPiece(random).getBytes(StandardCharsets.UTF_8);
      out.write(piece, 0, piece.length);
      if (random.nextInt(10) == 0) {
        // Bytes that are not UTF-8 and bytes the skeleton uses as markers.
        int raw = random.nextInt(3);
        for (int k = 0; k <= raw; k++) {
          out.write(random.nextBoolean() ? random.nextInt(9) : 0x80 + random.nextInt(128));
        }
      }
    }
    return out.toByteArray();
  }

  private static String randomPiece(SplittableRandom random) {
    return switch (random.nextInt(14)) {
      case 0 -> Long.toString(random.nextLong(Long.MAX_VALUE));
      case 1 -> Integer.toString(random.nextInt(1000));
      case 2 -> "0".repeat(1 + random.nextInt(3)) + random.nextInt(100_000);
      case 3 -> digits(random, 17 + random.nextInt(6));
      case 4 -> hex(random, 1 + random.nextInt(40), HEX_LOWER);
      case 5 -> hex(random, 1 + random.nextInt(40), HEX_UPPER);
      case 6 -> mixedCaseHex(random, 8 + random.nextInt(30));
      case 7 -> uuid(random);
      case 8 -> ipv4(random);
      case 9, 10 -> dateTime(random);
      case 11 -> hex(random, 250 + random.nextInt(12), HEX_LOWER);
      default -> WORDS[random.nextInt(WORDS.length)];
    };
  }

  private static String digits(SplittableRandom random, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  private static String hex(SplittableRandom random, int count, String alphabet) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append(alphabet.charAt(random.nextInt(16)));
    }
    return sb.toString();
  }

  private static String mixedCaseHex(SplittableRandom random, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      sb.append((random.nextBoolean() ? HEX_LOWER : HEX_UPPER).charAt(random.nextInt(16)));
    }
    return sb.toString();
  }

  private static String uuid(SplittableRandom random) {
    String alphabet = random.nextInt(5) == 0 ? HEX_UPPER : HEX_LOWER;
    String uuid = hex(random, 8, alphabet) + "-" + hex(random, 4, alphabet) + "-" + hex(random, 4, alphabet) + "-" + hex(random, 4, alphabet) + "-"
        + hex(random, 12, alphabet);
    return random.nextInt(6) == 0 ? uuid.substring(0, uuid.length() - 1 - random.nextInt(3)) : uuid;
  }

  private static String ipv4(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int octets = random.nextInt(6) == 0 ? 3 + random.nextInt(3) : 4;
    for (int i = 0; i < octets; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(random.nextInt(8) == 0 ? "0" + random.nextInt(10) : Integer.toString(random.nextInt(random.nextInt(10) == 0 ? 400 : 256)));
    }
    return sb.toString();
  }

  private static String dateTime(SplittableRandom random) {
    int year = random.nextInt(8) == 0 ? random.nextInt(10_000) : 2000 + random.nextInt(40);
    int month = random.nextInt(10) == 0 ? random.nextInt(14) : 1 + random.nextInt(12);
    int day = random.nextInt(10) == 0 ? random.nextInt(33) : 1 + random.nextInt(28);
    int hour = random.nextInt(10) == 0 ? random.nextInt(30) : random.nextInt(24);
    int minute = random.nextInt(60);
    int second = random.nextInt(10) == 0 ? random.nextInt(70) : random.nextInt(60);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%04d-%02d-%02d%c%02d:%02d:%02d", year, month, day, random.nextBoolean() ? 'T' : ' ', hour, minute,
        second));
    int fraction = random.nextInt(13);
    if (fraction > 0 && random.nextInt(4) != 0) {
      sb.append('.').append(digits(random, fraction));
    }
    if (random.nextBoolean()) {
      sb.append(random.nextBoolean() ? "Z" : "+02:00");
    }
    return sb.toString();
  }
}
