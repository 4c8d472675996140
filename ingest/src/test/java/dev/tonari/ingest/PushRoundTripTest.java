package dev.tonari.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.zip.DeflaterOutputStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Whatever the encoder produces, in every format a client may choose, the decoder reads back unchanged. */
class PushRoundTripTest {
  private static final long LIMIT = 64L * 1024 * 1024;

  @Provide
  Arbitrary<PushRequest> requests() {
    return PushArbitraries.requests();
  }

  @Property(tries = 300)
  void everyFormatRoundTrips(@ForAll("requests") PushRequest request) throws Exception {
    for (PushEncoder.Format format : PushEncoder.Format.values()) {
      PushEncoder.EncodedPush encoded = PushEncoder.encode(request, format);
      PushRequest decoded = PushDecoder.decode(encoded.contentType(), encoded.contentEncoding(), encoded.body(), LIMIT);
      assertThat(decoded).as("format %s", format).isEqualTo(request);
    }
  }

  @Property(tries = 100)
  void snappyContentEncodingRoundTrips(@ForAll("requests") PushRequest request) throws Exception {
    // Some clients also set Content-Encoding: snappy on protobuf bodies (Loki #3407); for JSON it means a snappy block.
    byte[] protobuf = PushEncoder.snappy(PushEncoder.protobuf(request));
    assertThat(PushDecoder.decode("application/x-protobuf", "snappy", protobuf, LIMIT)).isEqualTo(request);
    byte[] json = PushEncoder.snappy(PushEncoder.json(request));
    assertThat(PushDecoder.decode("application/json; charset=utf-8", "snappy", json, LIMIT)).isEqualTo(request);
    byte[] gzippedProtobuf = PushEncoder.gzip(protobuf);
    assertThat(PushDecoder.decode("application/x-protobuf", "gzip", gzippedProtobuf, LIMIT)).isEqualTo(request);
  }

  @Test
  void zlibWrappedDeflateIsAcceptedToo() throws Exception {
    PushRequest request = PushArbitraries.sample();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(out)) {
      zlib.write(PushEncoder.json(request));
    }
    assertThat(PushDecoder.decode("application/json", "deflate", out.toByteArray(), LIMIT)).isEqualTo(request);
  }

  @Test
  void contentTypeParametersAndCaseAreIgnored() throws Exception {
    PushRequest request = PushArbitraries.sample();
    byte[] json = PushEncoder.json(request);
    assertThat(PushDecoder.decode("Application/JSON ; charset=UTF-8", "identity", json, LIMIT)).isEqualTo(request);
    // Loki treats a missing Content-Type as protobuf.
    assertThat(PushDecoder.decode(null, null, PushEncoder.snappy(PushEncoder.protobuf(request)), LIMIT)).isEqualTo(request);
  }

  @Test
  void emptyStreamListDecodesToAnEmptyRequest() throws Exception {
    assertThat(PushDecoder.decode("application/json", null, "{\"streams\":[]}".getBytes(), LIMIT).streams()).isEmpty();
    assertThat(PushDecoder.decode("application/x-protobuf", null, PushEncoder.snappy(new byte[0]), LIMIT).streams()).isEmpty();
  }

  /**
   * Decompression buffers are reused from request to request: what an earlier request decoded
   * must stay as it was while later ones, here on four threads at once, decode into the same
   * buffers.
   */
  @Property(tries = 30)
  void decodedRequestsStayIntactWhenTheirBuffersServeLaterRequests(@ForAll("requests") PushRequest first, @ForAll("requests") PushRequest second)
      throws Exception {
    java.util.List<PushRequest> expected = new java.util.ArrayList<>();
    java.util.List<java.util.concurrent.Future<PushRequest>> decoded = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 8; round++) {
        for (PushEncoder.Format format : new PushEncoder.Format[] {PushEncoder.Format.JSON_GZIP, PushEncoder.Format.PROTOBUF_SNAPPY}) {
          PushRequest request = round % 2 == 0 ? first : second;
          PushEncoder.EncodedPush encoded = PushEncoder.encode(request, format);
          expected.add(request);
          decoded.add(pool.submit(() -> PushDecoder.decode(encoded.contentType(), encoded.contentEncoding(), encoded.body(), LIMIT)));
        }
      }
      java.util.List<PushRequest> results = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<PushRequest> future : decoded) {
        results.add(future.get());
      }
      assertThat(results).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }
}
