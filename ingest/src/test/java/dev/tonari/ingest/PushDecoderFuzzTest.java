package dev.tonari.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Hostile bodies: random bytes and mutations of valid ones, under every content type and
 * encoding. The decoder's whole contract is "a PushRequest or a PushException": nothing else may
 * escape (no RuntimeException, no OutOfMemoryError), and the size limit bounds every allocation.
 */
class PushDecoderFuzzTest {
  /** Small, so a bug that allocates by declared (not actual) sizes shows up as an OOM or a 413 miss. */
  private static final long LIMIT = 1024 * 1024;

  private static final List<String[]> HEADERS = List.of(
      new String[] {"application/json", null},
      new String[] {"application/json", "gzip"},
      new String[] {"application/json", "deflate"},
      new String[] {"application/json", "snappy"},
      new String[] {"application/x-protobuf", null},
      new String[] {"application/x-protobuf", "gzip"},
      new String[] {"application/x-protobuf", "deflate"},
      new String[] {"application/x-protobuf", "snappy"});

  @Property(tries = 400)
  void randomBytesYieldOnlyPushExceptions(@ForAll @Size(max = 600) byte[] body) {
    for (String[] header : HEADERS) {
      assertDecodesOrRefuses(header[0], header[1], body);
    }
  }

  @Provide
  Arbitrary<PushRequest> requests() {
    return PushArbitraries.requests();
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 1 << 20).flatMap(at -> Arbitraries.bytes().map(b -> new Mutation.Set(at, b))),
        Arbitraries.integers().between(0, 1 << 20).map(Mutation.Truncate::new),
        Arbitraries.integers().between(0, 1 << 20).flatMap(at -> Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(b -> new Mutation.Insert(at, b))),
        Arbitraries.integers().between(0, 1 << 20).flatMap(at -> Arbitraries.integers().between(1, 16).map(n -> new Mutation.Delete(at, n))),
        Arbitraries.integers().between(0, 1 << 20).flatMap(at -> Arbitraries.of(
            "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "-", "9999999999999999999999", "null", "1e400", "\u0000", "\"stream\":", "\"values\":")
            .map(s -> new Mutation.Insert(at, s.getBytes(StandardCharsets.UTF_8)))));
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 400)
  void mutatedJsonYieldsOnlyPushExceptions(@ForAll("requests") PushRequest request, @ForAll("mutations") List<Mutation> mutations) {
    byte[] json = Mutation.applyAll(PushEncoder.json(request), mutations);
    assertDecodesOrRefuses("application/json", null, json);
    assertDecodesOrRefuses("application/json", "gzip", PushEncoder.gzip(json));
  }

  @Property(tries = 400)
  void mutatedProtobufYieldsOnlyPushExceptions(@ForAll("requests") PushRequest request, @ForAll("mutations") List<Mutation> mutations) {
    byte[] protobuf = PushEncoder.protobuf(request);
    // Mutate under the compression, so the protobuf reader itself sees the damage...
    assertDecodesOrRefuses("application/x-protobuf", null, PushEncoder.snappy(Mutation.applyAll(protobuf, mutations)));
    // ...and the compressed bytes, so the snappy reader does.
    assertDecodesOrRefuses("application/x-protobuf", null, Mutation.applyAll(PushEncoder.snappy(protobuf), mutations));
    assertDecodesOrRefuses("application/x-protobuf", "gzip", Mutation.applyAll(PushEncoder.gzip(PushEncoder.snappy(protobuf)), mutations));
  }

  @Property(tries = 200)
  void hugeDeclaredProtobufLengthsAreRefusedWithoutAllocating(@ForAll @IntRange(min = 1, max = 5) int field, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int declared) {
    // A length prefix far beyond the body: must be a 400 "truncated", never an attempt to allocate it.
    byte[] varint = varint(declared);
    byte[] message = new byte[1 + varint.length + 3];
    message[0] = (byte) ((field << 3) | 2);
    System.arraycopy(varint, 0, message, 1, varint.length);
    assertDecodesOrRefuses("application/x-protobuf", null, PushEncoder.snappy(message));
    byte[] nested = {0x0A, (byte) (varint.length + 1), 0x12};
    byte[] streamWithEntry = concat(nested, varint);
    assertDecodesOrRefuses("application/x-protobuf", null, PushEncoder.snappy(streamWithEntry));
  }

  @Test
  void gzipBombIsRefusedWith413() {
    byte[] bomb = PushEncoder.gzip(new byte[16 * 1024 * 1024]);
    assertThat(bomb.length).isLessThan((int) LIMIT);
    PushException refused = (PushException) catchThrowable(() -> PushDecoder.decode("application/json", "gzip", bomb, LIMIT));
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.getMessage()).contains("request body too large").contains("gzip").contains(Long.toString(LIMIT));
  }

  @Test
  void deflateBombIsRefusedWith413() {
    byte[] bomb = PushEncoder.deflate(new byte[16 * 1024 * 1024]);
    PushException refused = (PushException) catchThrowable(() -> PushDecoder.decode("application/json", "deflate", bomb, LIMIT));
    assertThat(refused.status()).isEqualTo(413);
  }

  @Test
  void snappyBlocksLargerThanTheLimitAreRefusedBeforeDecompressing() {
    // snappy-java itself rejects a declared length the compressed bytes cannot produce: a 400, nothing allocated.
    byte[] declaresHundredMegabytes = concat(varint(100 * 1024 * 1024), new byte[] {0x00});
    PushException refused = (PushException) catchThrowable(() -> PushDecoder.decode("application/x-protobuf", null, declaresHundredMegabytes, LIMIT));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.getMessage()).startsWith("error parsing push request: snappy");
    // A real block that expands past the limit: refused from its header, before decompression.
    byte[] real = PushEncoder.snappy(new byte[2 * 1024 * 1024]);
    refused = (PushException) catchThrowable(() -> PushDecoder.decode("application/x-protobuf", null, real, LIMIT));
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.getMessage()).contains("after snappy decompression");
  }

  @Test
  void rawBodyOverTheLimitIsRefusedWith413() {
    byte[] body = new byte[(int) LIMIT + 1];
    assertThatThrownBy(() -> PushDecoder.decode("application/json", null, body, LIMIT))
        .isInstanceOfSatisfying(PushException.class, e -> {
          assertThat(e.status()).isEqualTo(413);
          assertThat(e.getMessage()).isEqualTo("request body too large: " + (LIMIT + 1) + " bytes, limit: " + LIMIT + " bytes");
        });
  }

  @Test
  void unknownContentEncodingIsRefused() {
    assertThatThrownBy(() -> PushDecoder.decode("application/json", "br", new byte[0], LIMIT))
        .isInstanceOfSatisfying(PushException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("\"br\" not supported");
        });
  }

  static void assertDecodesOrRefuses(String contentType, String contentEncoding, byte[] body) {
    Throwable thrown = catchThrowable(() -> PushDecoder.decode(contentType, contentEncoding, body, LIMIT));
    if (thrown != null) {
      assertThat(thrown).as("decoding %s/%s of %s", contentType, contentEncoding, Arrays.toString(Arrays.copyOf(body, Math.min(body.length, 64))))
          .isInstanceOf(PushException.class);
      PushException refused = (PushException) thrown;
      assertThat(refused.status()).isIn(400, 413);
      if (refused.status() == 400) {
        assertThat(refused.getMessage()).isNotBlank();
      }
    }
  }

  private static byte[] varint(int value) {
    byte[] out = new byte[5];
    int n = 0;
    long v = Integer.toUnsignedLong(value);
    while (v >= 0x80) {
      out[n++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[n++] = (byte) v;
    return Arrays.copyOf(out, n);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A change to a byte array; positions wrap around its length so every mutation lands. */
  sealed interface Mutation {
    byte[] apply(byte[] bytes);

    static byte[] applyAll(byte[] bytes, List<Mutation> mutations) {
      byte[] out = bytes;
      for (Mutation m : mutations) {
        out = m.apply(out);
      }
      return out;
    }

    record Set(int at, byte value) implements Mutation {
      @Override
      public byte[] apply(byte[] bytes) {
        if (bytes.length == 0) {
          return new byte[] {value};
        }
        byte[] out = bytes.clone();
        out[at % out.length] = value;
        return out;
      }
    }

    record Truncate(int at) implements Mutation {
      @Override
      public byte[] apply(byte[] bytes) {
        return bytes.length == 0 ? bytes : Arrays.copyOf(bytes, at % bytes.length);
      }
    }

    record Insert(int at, byte[] inserted) implements Mutation {
      @Override
      public byte[] apply(byte[] bytes) {
        int position = bytes.length == 0 ? 0 : at % (bytes.length + 1);
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, position);
        System.arraycopy(inserted, 0, out, position, inserted.length);
        System.arraycopy(bytes, position, out, position + inserted.length, bytes.length - position);
        return out;
      }
    }

    record Delete(int at, int count) implements Mutation {
      @Override
      public byte[] apply(byte[] bytes) {
        if (bytes.length == 0) {
          return bytes;
        }
        int position = at % bytes.length;
        int removed = Math.min(count, bytes.length - position);
        byte[] out = new byte[bytes.length - removed];
        System.arraycopy(bytes, 0, out, 0, position);
        System.arraycopy(bytes, position + removed, out, position, bytes.length - position - removed);
        return out;
      }
    }
  }
}
