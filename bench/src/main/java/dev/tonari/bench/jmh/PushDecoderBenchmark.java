package dev.tonari.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.ingest.PushDecoder;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one realistic 1 MB push (about 5,000 lines in a few hundred streams) in each wire
 * format, against a plain Jackson tree parse of the same JSON as the baseline a straightforward
 * implementation would start from.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class PushDecoderBenchmark {
  private static final long MAX_BYTES = 64L << 20;
  private final ObjectMapper mapper = new ObjectMapper();
  private byte[] json;
  private byte[] jsonGzip;
  private byte[] protobufSnappy;

  @Setup
  public void setUp() {
    PushRequest request = BenchmarkData.pushRequest(BenchmarkData.lines(1 << 20));
    json = PushEncoder.json(request);
    jsonGzip = PushEncoder.gzip(json);
    protobufSnappy = PushEncoder.snappy(PushEncoder.protobuf(request));
  }

  @Benchmark
  public PushRequest decodeJson() throws PushException {
    return PushDecoder.decode("application/json", null, json, MAX_BYTES);
  }

  @Benchmark
  public PushRequest decodeJsonGzip() throws PushException {
    return PushDecoder.decode("application/json", "gzip", jsonGzip, MAX_BYTES);
  }

  @Benchmark
  public PushRequest decodeProtobufSnappy() throws PushException {
    return PushDecoder.decode("application/x-protobuf", null, protobufSnappy, MAX_BYTES);
  }

  /** Baseline: Jackson's tree model over the same uncompressed JSON, building no entries at all. */
  @Benchmark
  public JsonNode baselineJacksonTreeParse() throws IOException {
    return mapper.readTree(json);
  }
}
