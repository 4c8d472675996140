package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A property of the head protocol's decoders, on seeded random bytes and on mutations of valid
 * messages of every kind (bit flips, truncations, insertions, deletions, spliced varints claiming
 * huge lengths and counts), read whole or a few bytes per read: each decode either succeeds or
 * throws a {@link HeadProtocolException} naming the message and what was wrong (an ERROR frame is
 * the one other outcome, by design, naming the message too), and never allocates much more than
 * the bytes it was given, whatever the lengths inside claim.
 */
class HeadProtocolFuzzTest {
  private static final long HUGE_LIMIT = 1L << 40;
  private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static byte[] answer(HeadQueryService service, HeadRequest request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (HeadQueryService.Answer answer = service.answer(TestCluster.TOKEN, HeadProtocol.encodeRequest(request))) {
      answer.writeTo(out);
    }
    return out.toByteArray();
  }

  private static List<byte[]> validMessages() throws IOException {
    InMemoryLogStore store = new InMemoryLogStore();
    Random random = new Random(77);
    for (int s = 0; s < 4; s++) {
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Labels metadata = i % 3 == 0 ? Labels.of("trace_id", "t" + (i / 6)) : Labels.EMPTY;
        entries.add(new LogEntry(1000 + i * (random.nextInt(3)), "stream " + s + " line " + i + " ユニコード", metadata));
      }
      store.append("t1", List.of(new StreamBatch(Labels.of(Map.of("app", "app-" + s, "env", s % 2 == 0 ? "prod" : "dev")), entries)));
    }
    HeadQueryService service = new HeadQueryService(store, () -> new HeadState(7, List.of(0), true), 1, 1 << 20, TestCluster.TOKEN);
    List<Labels> all = store.series("t1", labels -> true, Long.MIN_VALUE, Long.MAX_VALUE);
    List<byte[]> valid = new ArrayList<>();
    valid.add(answer(service, new HeadRequest.Entries("t1", all, 0, 5000, Direction.FORWARD)));
    valid.add(answer(service, new HeadRequest.Entries("t1", all, 0, 5000, Direction.BACKWARD)));
    valid.add(answer(service, new HeadRequest.Streams("t1", 0, 5000)));
    valid.add(answer(service, new HeadRequest.Volumes("t1", all, 0, 5000)));
    valid.add(answer(service, new HeadRequest.LabelNames("t1", 0, 5000)));
    valid.add(answer(service, new HeadRequest.LabelValues("t1", "app", 0, 5000)));
    valid.add(answer(service, new HeadRequest.Tenants()));
    valid.add(HeadProtocol.encodeRequest(List.of(0, 3), new HeadRequest.Entries("t1", all, 0, 5000, Direction.FORWARD)));
    valid.add(HeadProtocol.encodeRequest(List.of(1), new HeadRequest.Volumes("t1", all, -5, 5000)));
    valid.add(HeadProtocol.encodeRequest(List.of(), new HeadRequest.LabelValues("t1", "env", 0, 1)));
    return valid;
  }

  /** A varint of a value near the 32- or 64-bit edges: lengths and counts that claim far more than is there. */
  private static byte[] hugeVarint(Random random) {
    long value = switch (random.nextInt(4)) {
      case 0 -> Integer.MAX_VALUE - random.nextInt(64);
      case 1 -> (1L << 30) + random.nextInt(1 << 20);
      case 2 -> -1L - random.nextInt(8);
      default -> random.nextLong();
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] mutate(byte[] source, Random random) {
    byte[] bytes = source.clone();
    switch (random.nextInt(6)) {
      case 0 -> {
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 2 -> {
        int at = random.nextInt(bytes.length + 1);
        byte[] inserted = new byte[1 + random.nextInt(8)];
        random.nextBytes(inserted);
        bytes = splice(bytes, at, at, inserted);
      }
      case 3 -> {
        int at = random.nextInt(bytes.length);
        bytes = splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(8)), new byte[0]);
      }
      case 4 -> {
        // Replace one byte with a huge varint: somewhere a length or count now claims gigabytes.
        int at = 6 + random.nextInt(Math.max(1, bytes.length - 6));
        bytes = splice(bytes, Math.min(at, bytes.length), Math.min(at + 1, bytes.length), hugeVarint(random));
      }
      default -> {
        for (int i = 0; i < bytes.length; i++) {
          if (random.nextInt(20) == 0) {
            bytes[i] = (byte) random.nextInt(256);
          }
        }
      }
    }
    return bytes;
  }

  private static byte[] splice(byte[] bytes, int from, int to, byte[] replacement) {
    byte[] out = new byte[bytes.length - (to - from) + replacement.length];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(replacement, 0, out, from, replacement.length);
    System.arraycopy(bytes, to, out, from + replacement.length, bytes.length - to);
    return out;
  }

  /** Hands out at most {@code chunk} bytes per read, as a network stream does. */
  private static InputStream trickling(byte[] bytes, int chunk) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] target, int offset, int length) throws IOException {
        return super.read(target, offset, Math.min(length, chunk));
      }
    };
  }

  @FunctionalInterface
  private interface Decoder {
    void decode(InputStream in, byte[] bytes, long limit) throws IOException;
  }

  private static final List<Decoder> DECODERS = List.of(
      (in, bytes, limit) -> HeadResponses.readEntries(in, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadResponses.readLabelSets(in, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadResponses.readVolumes(in, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadResponses.readStrings(in, HeadProtocol.KIND_LABEL_NAMES, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadResponses.readStrings(in, HeadProtocol.KIND_LABEL_VALUES, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadResponses.readStrings(in, HeadProtocol.KIND_TENANTS, limit, "fuzzed answer"),
      (in, bytes, limit) -> HeadProtocol.decodeCall(bytes, limit));

  private static void decodeEveryWay(byte[] bytes, Random random, int[] outcomes) {
    long limit = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 64) : HUGE_LIMIT;
    for (Decoder decoder : DECODERS) {
      InputStream in = random.nextBoolean() ? new ByteArrayInputStream(bytes) : trickling(bytes, 1 + random.nextInt(7));
      long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
      try {
        decoder.decode(in, bytes, limit);
        outcomes[0]++;
      } catch (HeadProtocolException e) {
        assertThat(e.getMessage()).as("names the message").containsAnyOf("fuzzed answer", "head request");
        assertThat(e.getMessage()).as("says what was wrong").containsAnyOf("malformed", "truncated", "larger than", "magic", "version", "limit");
        outcomes[1]++;
      } catch (IOException e) {
        // The one other outcome: the bytes hold an ERROR frame, whose message is the ingester's.
        assertThat(e.getMessage()).as("an error frame of %s", Arrays.toString(bytes)).startsWith("fuzzed answer failed: ");
        outcomes[2]++;
      } catch (RuntimeException | Error e) {
        fail("decoder crashed on " + Arrays.toString(bytes), e);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
      // The reader's 64 KiB buffer, the objects decoded, and at most a few times the input.
      assertThat(allocated).as("bytes allocated decoding %d bytes", bytes.length).isLessThan(1_000_000L + 64L * bytes.length);
    }
  }

  @Test
  void randomAndMutatedMessagesEndInAnAnswerOrAHeadProtocolExceptionWithContext() throws IOException {
    List<byte[]> valid = validMessages();
    Random random = new Random(20261207);
    int[] outcomes = new int[3];
    for (int i = 0; i < 30_000; i++) {
      byte[] bytes;
      if (random.nextInt(5) == 0) {
        bytes = new byte[random.nextInt(96)];
        random.nextBytes(bytes);
        if (bytes.length >= 6 && random.nextBoolean()) {
          System.arraycopy(random.nextBoolean() ? HeadProtocol.RESPONSE_MAGIC : HeadProtocol.REQUEST_MAGIC, 0, bytes, 0, 4);
          bytes[4] = HeadProtocol.VERSION;
          bytes[5] = (byte) (1 + random.nextInt(6));
        }
      } else {
        bytes = mutate(valid.get(random.nextInt(valid.size())), random);
      }
      decodeEveryWay(bytes, random, outcomes);
    }
    // The property is only worth something if the mutations reach both sides.
    assertThat(outcomes[0]).as("decodes that succeeded").isPositive();
    assertThat(outcomes[1]).as("decodes refused").isGreaterThan(outcomes[0]);
  }

  @Test
  void aHugeClaimedLineLengthIsRefusedWithoutAllocatingIt() throws IOException {
    // A valid header and stream, then an entry whose line claims 1 GiB and carries 10 bytes.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WireWriter out = new WireWriter(bytes, 1024);
    HeadProtocol.writeResponseHeader(out, HeadProtocol.KIND_ENTRIES, new HeadState(1, List.of(0), true));
    out.writeByte(HeadProtocol.FRAME_STREAM);
    out.writeLabels(Labels.of("app", "a"));
    out.writeByte(HeadProtocol.FRAME_ENTRY);
    out.writeZigZag(5);
    out.writeByte(HeadProtocol.METADATA_NONE);
    out.writeVarint(1 << 30);
    out.writeRaw(new byte[10], 0, 10);
    out.flush();
    byte[] message = bytes.toByteArray();
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      HeadResponses.readEntries(new ByteArrayInputStream(message), HUGE_LIMIT, "answer of ingester-9");
      fail("a truncated line was accepted");
    } catch (HeadProtocolException e) {
      assertThat(e.getMessage()).contains("answer of ingester-9").contains("truncated").contains("line").contains("10 of " + (1 << 30) + " bytes");
    }
    assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).isLessThan(1_000_000L);
  }

  /** The same property through HTTP: the serving side answers every garbled request 400 with the decoder's message, and stays up. */
  @Test
  void garbledRequestsOverHttpAre400WithTheReason() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    store.append("t1", List.of(new StreamBatch(Labels.of("app", "a"), List.of(new LogEntry(1, "x")))));
    HeadQueryService service = new HeadQueryService(store, () -> new HeadState(1, List.of(0), true), 1, 4096, TestCluster.TOKEN);
    List<byte[]> valid = validMessages().subList(7, 10);
    Random random = new Random(9);
    try (LoopbackHeadServer server = new LoopbackHeadServer(service);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      URI uri = URI.create("http://" + server.address() + HeadProtocol.PATH);
      int refused = 0;
      for (int i = 0; i < 200; i++) {
        byte[] body = mutate(valid.get(random.nextInt(valid.size())), random);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header(HeadProtocol.TOKEN_HEADER, TestCluster.TOKEN)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status for %s", Arrays.toString(body)).isIn(200, 400);
        if (response.statusCode() == 400) {
          assertThat(response.body()).contains("head request");
          refused++;
        }
      }
      assertThat(refused).isPositive();
      HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(valid.get(0))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(noToken.body()).contains(HeadProtocol.TOKEN_HEADER);
      HttpResponse<String> wrongToken = http.send(
          HttpRequest.newBuilder(uri).header(HeadProtocol.TOKEN_HEADER, "guess").POST(HttpRequest.BodyPublishers.ofByteArray(valid.get(0))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(wrongToken.statusCode()).isEqualTo(401);
      assertThat(wrongToken.body()).contains("wrong internal token");
    }
  }
}
