package dev.tonari.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link JsonFieldScanner#nextSpecial}, which skips string bytes eight at a time, never passes a
 * quote, backslash or control byte: what it returns is at or before the first one (exactly it when
 * at least eight bytes remain), for random bytes of every value including non-ASCII ones.
 */
class JsonStringSkipPropertyTest {
  private static final byte[] SPECIALS = {'"', '\\', 0, 0x1f, '\t', '\n'};
  private static final byte[] PLAIN = {'a', ' ', '!', '#', '[', ']', 0x20, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff, (byte) 0xa2, 0x21, 0x5d};

  @Property(tries = 20000)
  void neverSkipsASpecialByte(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] line = new byte[random.nextInt(40)];
    for (int i = 0; i < line.length; i++) {
      line[i] = random.nextInt(12) == 0 ? SPECIALS[random.nextInt(SPECIALS.length)] : PLAIN[random.nextInt(PLAIN.length)];
    }
    int from = line.length == 0 ? 0 : random.nextInt(line.length);
    int end = from + random.nextInt(line.length - from + 1);
    int firstSpecial = end;
    for (int i = from; i < end; i++) {
      byte b = line[i];
      if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
        firstSpecial = i;
        break;
      }
    }

    int found = JsonFieldScanner.nextSpecial(line, from, end);

    assertThat(found).isBetween(from, firstSpecial);
    if (firstSpecial - from >= 0 && found < firstSpecial) {
      // It only stops short within the last seven bytes, which the caller reads one by one.
      assertThat(end - found).isLessThan(Long.BYTES);
    }
  }
}
