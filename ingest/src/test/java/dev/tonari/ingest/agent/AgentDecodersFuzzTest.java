package dev.tonari.ingest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import dev.tonari.ingest.elastic.BulkDecoder;
import dev.tonari.ingest.jsonlines.JsonLinesDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded garbage for the JSON agents' decoders: random bytes and mutations of the recorded
 * Filebeat, Fluent Bit and Logstash bodies. The bulk decoder returns a request or throws a 400
 * {@link PushException}; the JSON lines decoder and the discovery never throw; the decompressor
 * throws only {@link PushException}.
 */
class AgentDecodersFuzzTest {
  private static final long SEED = 20261207L;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = AgentDecodersFuzzTest.class.getResourceAsStream("/elastic/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void bulkJsonLinesAndDecompressionAcceptOrRefuseOnlyAsDeclared() throws Exception {
    List<byte[]> seeds = List.of(resource("filebeat-8.15-bulk.ndjson"), resource("fluentbit-3.1-es-bulk.ndjson"),
        resource("logstash-8.14-bulk.ndjson"), resource("errors-bulk.ndjson"));
    Random random = new Random(SEED);
    FieldMapping mapping = new FieldMapping(FieldMapping.DEFAULT_MESSAGE_FIELDS, FieldMapping.DEFAULT_TIME_FIELDS,
        List.of("host.name", "kubernetes.namespace_name"), List.of("agent.id"), java.util.Map.of());
    for (int i = 0; i < 3000; i++) {
      byte[] body;
      if (i % 5 == 0) {
        body = new byte[random.nextInt(300)];
        random.nextBytes(body);
      } else {
        body = dev.tonari.ingest.otlp.OtlpPropertyTestAccess.mutate(random, seeds.get(random.nextInt(seeds.size())));
      }
      try {
        var bulk = BulkDecoder.decode(Body.of(body), random.nextBoolean() ? null : "p", mapping, 1);
        assertThat(bulk.items().size()).isGreaterThanOrEqualTo(bulk.decodedItems());
        LogDiscovery.apply(bulk.request(), LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES, true);
      } catch (PushException e) {
        assertThat(e.status()).as("case %d", i).isEqualTo(400);
      }
      JsonLinesDecoder.Result lines = JsonLinesDecoder.decode(Body.of(body), mapping, 1);
      LogDiscovery.apply(lines.request(), LogDiscovery.DEFAULT_SERVICE_NAME_SOURCES, true);
      for (String encoding : new String[] {"gzip", "zstd", "deflate"}) {
        try {
          BodyDecompression.decompress(encoding, body, 1 << 16, "limit");
        } catch (PushException e) {
          assertThat(e.status()).isIn(400, 413);
        }
      }
    }
  }
}
