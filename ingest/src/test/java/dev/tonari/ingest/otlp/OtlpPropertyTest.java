package dev.tonari.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.LogDiscovery;
import dev.tonari.ingest.otlp.OtlpLogs.AnyValue;
import dev.tonari.ingest.otlp.OtlpLogs.Attribute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded properties of the OTLP readers: a random request written as protobuf and as OTLP/JSON
 * reads back equal to itself (so the two readers agree with each other); random bytes and
 * mutations of valid bodies give a request or a {@link PushException}, nothing else.
 */
class OtlpPropertyTest {
  private static final long SEED = 0x07_1A_2026L;
  private static final long LIMIT = 1 << 20;

  @Test
  void protobufAndJsonRoundTripRandomRequests() throws Exception {
    Random random = new Random(SEED);
    for (int i = 0; i < 300; i++) {
      OtlpLogs logs = randomLogs(random);
      byte[] protobuf = OtlpTestEncoder.protobuf(logs);
      assertThat(OtlpDecoder.read("application/x-protobuf", null, protobuf, LIMIT, "limit")).as("case %d protobuf", i).isEqualTo(logs);
      byte[] json = OtlpTestEncoder.json(logs).getBytes(StandardCharsets.UTF_8);
      assertThat(OtlpDecoder.read("application/json", null, json, LIMIT, "limit")).as("case %d json", i).isEqualTo(logs);
      // The mapping never fails on a decodable request either.
      OtlpMapper.map(logs, OtlpMapping.defaults(LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES), 1);
    }
  }

  @Test
  void garbageAndMutationsYieldOnlyPushExceptions() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 2000; i++) {
      byte[] body;
      boolean json = random.nextBoolean();
      if (i % 4 == 0) {
        body = new byte[random.nextInt(400)];
        random.nextBytes(body);
      } else {
        OtlpLogs logs = randomLogs(random);
        body = mutate(random, json ? OtlpTestEncoder.json(logs).getBytes(StandardCharsets.UTF_8) : OtlpTestEncoder.protobuf(logs));
      }
      for (String encoding : new String[] {null, "gzip", "zstd"}) {
        byte[] sent = encoding == null ? body : random.nextBoolean() ? body : compress(encoding, body);
        try {
          OtlpDecoder.decode(json ? "application/json" : "application/x-protobuf", encoding, sent, LIMIT, "limit",
              OtlpMapping.defaults(LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES), 1);
        } catch (PushException e) {
          assertThat(e.status()).as("case %d", i).isIn(400, 413);
        }
      }
    }
  }

  static byte[] mutate(Random random, byte[] bytes) {
    byte[] out = bytes.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && out.length > 0; m++) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(4)) {
        case 0 -> out[at] = (byte) random.nextInt(256);
        case 1 -> out = java.util.Arrays.copyOf(out, at);
        case 2 -> {
          byte[] longer = new byte[out.length + 1];
          System.arraycopy(out, 0, longer, 0, at);
          String specials = "{}[]\":,\\0-9e";
          longer[at] = (byte) specials.charAt(random.nextInt(specials.length()));
          System.arraycopy(out, at, longer, at + 1, out.length - at);
          out = longer;
        }
        default -> out[at] = (byte) (out[at] ^ (1 << random.nextInt(8)));
      }
    }
    return out;
  }

  private static byte[] compress(String encoding, byte[] body) {
    try {
      return encoding.equals("gzip") ? OtlpDecoderTest.gzip(body) : com.github.luben.zstd.Zstd.compress(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static OtlpLogs randomLogs(Random random) {
    List<OtlpLogs.ResourceLogs> resources = new ArrayList<>();
    for (int r = random.nextInt(3); r > 0; r--) {
      List<OtlpLogs.ScopeLogs> scopes = new ArrayList<>();
      for (int s = random.nextInt(3); s > 0; s--) {
        List<OtlpLogs.LogRecord> records = new ArrayList<>();
        for (int l = random.nextInt(4); l > 0; l--) {
          records.add(new OtlpLogs.LogRecord(random.nextLong(), random.nextBoolean() ? 0 : random.nextLong(), random.nextInt(25),
              random.nextBoolean() ? "" : text(random), random.nextBoolean() ? null : value(random, 0), attributes(random, 0),
              random.nextInt(3), random.nextInt(), random.nextBoolean() ? "" : hex(random, 16), random.nextBoolean() ? "" : hex(random, 8),
              random.nextBoolean() ? "" : text(random)));
        }
        scopes.add(new OtlpLogs.ScopeLogs(text(random), text(random), attributes(random, 0), records));
      }
      resources.add(new OtlpLogs.ResourceLogs(attributes(random, 0), scopes));
    }
    return new OtlpLogs(resources);
  }

  private static List<Attribute> attributes(Random random, int depth) {
    List<Attribute> attributes = new ArrayList<>();
    for (int a = random.nextInt(depth > 1 ? 2 : 4); a > 0; a--) {
      String key = random.nextInt(4) == 0 ? "service.name" : text(random);
      attributes.add(new Attribute(key, value(random, depth + 1)));
    }
    return attributes;
  }

  private static AnyValue value(Random random, int depth) {
    int kind = random.nextInt(depth > 2 ? 5 : 8);
    return switch (kind) {
      case 0 -> new AnyValue.Text(text(random));
      case 1 -> new AnyValue.Bool(random.nextBoolean());
      case 2 -> new AnyValue.Int(random.nextLong());
      case 3 -> new AnyValue.Real(random.nextInt(3) == 0 ? random.nextInt(1000) : random.nextDouble() * 1e6);
      case 4 -> {
        byte[] bytes = new byte[random.nextInt(6)];
        random.nextBytes(bytes);
        yield new AnyValue.Bytes(bytes);
      }
      case 5 -> {
        List<AnyValue> values = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          values.add(value(random, depth + 1));
        }
        yield new AnyValue.Array(values);
      }
      case 6 -> new AnyValue.KeyValues(attributes(random, depth + 1));
      default -> new AnyValue.Empty();
    };
  }

  private static String text(Random random) {
    String alphabet = "abc.XY_z-09 \"\\\n\téß€😀";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c) && at + 1 < alphabet.length()) {
        sb.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String hex(Random random, int bytes) {
    byte[] id = new byte[bytes];
    random.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }
}
