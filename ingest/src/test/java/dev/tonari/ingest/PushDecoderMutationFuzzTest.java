package dev.tonari.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.logql.fuzz.SeededMutationFuzzer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The push decoders under the seeded mutation fuzzer: valid JSON and protobuf bodies, mutated, go
 * through every decoder path (JSON plain and gzip; protobuf damaged under its snappy block; the
 * snappy, gzip and deflate bytes themselves damaged), and each returns a {@link PushRequest} or
 * throws a {@link PushException} with a 400 or 413, nothing else, within the per-input bound. The
 * default build runs {@value SeededMutationFuzzer#DEFAULT_INPUTS} inputs per path; {@code -Pfuzz}
 * a million (docs/testing.md).
 */
class PushDecoderMutationFuzzTest {
  private static final long LIMIT = 1024 * 1024;
  private static final long SEED = 7_122_026L;

  private static final List<String> JSON_SEEDS = List.of(
      "{\"streams\":[{\"stream\":{\"app\":\"shop\"},\"values\":[[\"1700000000000000000\",\"order placed\"]]}]}",
      "{\"streams\":[{\"stream\":{\"app\":\"shop\",\"env\":\"prod\"},\"values\":[[\"1700000000000000001\",\"a\"],[\"1700000000000000002\",\"b\","
          + "{\"trace_id\":\"abc\"}]]},{\"stream\":{\"job\":\"x\"},\"values\":[[\"1700000000000000003\",\"level=error msg=\\\"boom \\u00e9\\\"\"]]}]}",
      "{\"streams\":[]}",
      "{\"streams\":[{\"stream\":{},\"values\":[]}]}",
      "{\"streams\":[{\"stream\":{\"app\":\"\\ud83d\\ude00\"},\"values\":[[\"1\",\"\\t\\n\\\\\"]]}]}");
  private static final List<String> JSON_TOKENS = List.of("\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "\\ud800", "-", "9999999999999999999999",
      "null", "true", "1e400", "\u0000", "\"stream\":", "\"values\":", "\"streams\":", "{\"a\":\"b\"}", "[\"1\",\"x\"]");
  private static final List<String> PROTOBUF_TOKENS = List.of("\n", "\u0012", "\u001a", "\"", "\u00ff\u00ff\u00ff\u00ff\u000f", "\u0080", "\u0000");

  private static List<byte[]> jsonSeeds() {
    return SeededMutationFuzzer.utf8(JSON_SEEDS);
  }

  private static List<byte[]> protobufSeeds() throws PushException {
    List<byte[]> seeds = new ArrayList<>();
    for (String json : JSON_SEEDS) {
      seeds.add(PushEncoder.protobuf(PushDecoder.decode("application/json", null, json.getBytes(StandardCharsets.UTF_8), LIMIT)));
    }
    return seeds;
  }

  /** The declared refusal: a PushException of status 400 or 413. */
  private static boolean declared(Throwable thrown) {
    return thrown instanceof PushException push && (push.status() == 400 || push.status() == 413);
  }

  private static void run(String name, List<byte[]> seeds, List<String> tokens, SeededMutationFuzzer.Target target) throws Exception {
    SeededMutationFuzzer.Report report = new SeededMutationFuzzer(seeds, tokens).run(name, SeededMutationFuzzer.seed(SEED), SeededMutationFuzzer.inputs(),
        SeededMutationFuzzer.perInputBound(), PushDecoderMutationFuzzTest::declared, target);
    assertThat(report.accepted() + report.refused()).isEqualTo(report.inputs());
    System.out.println(report);
  }

  @Test
  void mutatedJsonBodies() throws Exception {
    run("push-json", jsonSeeds(), JSON_TOKENS, body -> PushDecoder.decode("application/json", null, body, LIMIT));
  }

  @Test
  void mutatedJsonUnderGzip() throws Exception {
    run("push-json-gzip", jsonSeeds(), JSON_TOKENS, body -> PushDecoder.decode("application/json", "gzip", PushEncoder.gzip(body), LIMIT));
  }

  @Test
  void mutatedProtobufUnderSnappy() throws Exception {
    run("push-protobuf", protobufSeeds(), PROTOBUF_TOKENS, body -> PushDecoder.decode("application/x-protobuf", null, PushEncoder.snappy(body), LIMIT));
  }

  @Test
  void mutatedCompressedBytes() throws Exception {
    List<byte[]> compressed = new ArrayList<>();
    for (byte[] protobuf : protobufSeeds()) {
      compressed.add(PushEncoder.snappy(protobuf));
      compressed.add(PushEncoder.gzip(PushEncoder.snappy(protobuf)));
    }
    for (byte[] json : jsonSeeds()) {
      compressed.add(PushEncoder.deflate(json));
      compressed.add(PushEncoder.snappy(json));
    }
    // Each compressed body through each decoder path: a damaged block of one format read as another is garbage too.
    run("push-compressed", compressed, PROTOBUF_TOKENS, body -> {
      for (String[] header : new String[][] {{"application/x-protobuf", null}, {"application/x-protobuf", "gzip"}, {"application/json", "deflate"},
          {"application/json", "snappy"}}) {
        try {
          PushDecoder.decode(header[0], header[1], body, LIMIT);
        } catch (PushException refused) {
          if (!declared(refused)) {
            throw refused;
          }
        }
      }
    });
  }
}
