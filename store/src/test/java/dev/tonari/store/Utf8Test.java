package dev.tonari.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link Utf8}: byte counts as the encoder gives them, and the eight-bytes-a-step ASCII test against a byte-by-byte one. */
class Utf8Test {
  @Property(tries = 2000)
  void isAsciiAgreesWithTheByteByByteTestOnAnySlice(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] bytes = new byte[random.nextInt(70)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(128);
    }
    if (bytes.length > 0 && random.nextBoolean()) {
      // One high byte somewhere: at the edges of the eight-byte words and of the slice too.
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(128));
    }
    int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
    int length = random.nextInt(bytes.length - offset + 1);
    boolean expected = true;
    for (int i = offset; i < offset + length; i++) {
      expected &= bytes[i] >= 0;
    }
    assertThat(Utf8.isAscii(bytes, offset, length)).as("offset %d length %d of %d bytes", offset, length, bytes.length).isEqualTo(expected);
  }

  @Property(tries = 3000)
  void encodeIsJavasEncodingWithLoneSurrogatesReplacedAndCountsAsLength(@ForAll long seed) {
    Random random = new Random(seed);
    // Mostly ASCII with question marks, as lines are, and now and then a surrogate, paired or not, or another character.
    char[] pool = {'a', 'Z', '0', ' ', '?', '?', '=', '\u00e9', '\u65e5', '\uD83D', '\uDE00', '\uD800', '\uDFFF'};
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(40);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(4) == 0 ? pool[random.nextInt(pool.length)] : pool[random.nextInt(7)]);
    }
    String s = text.toString();
    // Java's regexes read a well-formed pair as one code point, so \p{Cs} matches only the lone ones.
    byte[] expected = s.replaceAll("\\p{Cs}", "\uFFFD").getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.encode(s)).as(s).isEqualTo(expected);
    assertThat(Utf8.encode(s)).hasSize(Utf8.length(s));
  }

  @Test
  void lengthIsTheEncodedLength() {
    for (String text : new String[] {"", "plain", "caf\u00e9", "\u65e5\u672c", "\uD83D\uDE00 emoji"}) {
      int encoded = text.getBytes(StandardCharsets.UTF_8).length;
      assertThat(Utf8.length(text)).as(text).isEqualTo(encoded);
    }
    // Java encodes a lone surrogate as '?'; Go, whose byte counts Loki reports, as U+FFFD's three bytes.
    assertThat(Utf8.length("lone \uD800 surrogate")).isEqualTo("lone ".length() + 3 + " surrogate".length());
  }
}
