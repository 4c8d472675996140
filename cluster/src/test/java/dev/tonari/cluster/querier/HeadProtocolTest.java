package dev.tonari.cluster.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tonari.store.Direction;
import dev.tonari.store.EntryCursor;
import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.LogStore;
import dev.tonari.store.SelectRequest;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.StreamVolume;
import dev.tonari.store.memory.InMemoryLogStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The head protocol's codec: exact round trips, garbage refused with an IOException only, limits named. */
class HeadProtocolTest {
  private static final long NO_LIMIT = Long.MAX_VALUE / 4;
  private static final HeadState STATE = new HeadState(42, List.of(0, 3, 7), true);

  /** One decoded entry, with the line as bytes so that a round trip is checked byte for byte. */
  record Entry(Labels stream, long timestamp, List<Byte> line, Labels metadata) {}

  static List<Entry> drain(List<EntryCursor> cursors) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (EntryCursor cursor : cursors) {
      while (cursor.next()) {
        byte[] line = Arrays.copyOfRange(cursor.lineBuffer(), cursor.lineOffset(), cursor.lineOffset() + cursor.lineLength());
        List<Byte> bytes = new ArrayList<>(line.length);
        for (byte b : line) {
          bytes.add(b);
        }
        entries.add(new Entry(cursor.labels(), cursor.timestamp(), bytes, cursor.metadata()));
      }
      cursor.close();
    }
    return entries;
  }

  private static InMemoryLogStore randomStore(Random random) {
    InMemoryLogStore store = new InMemoryLogStore();
    List<Labels> streams = RandomLogs.streams(random, 1 + random.nextInt(6));
    for (RandomLogs.Push push : RandomLogs.pushes(random, List.of("t1", "t2"), streams, random.nextInt(60))) {
      store.append(push.tenant(), List.of(push.batch()));
    }
    return store;
  }

  private static byte[] answerBytes(HeadQueryService service, HeadRequest request) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (HeadQueryService.Answer answer = service.answer(TestCluster.TOKEN, HeadProtocol.encodeRequest(request))) {
      answer.writeTo(out);
    }
    return out.toByteArray();
  }

  private static HeadRequest randomRequest(Random random) {
    String tenant = random.nextBoolean() ? "t" + random.nextInt(3) : "テナント-" + random.nextInt(3);
    long from = random.nextBoolean() ? random.nextLong() : random.nextInt(1000);
    long to = random.nextBoolean() ? Long.MAX_VALUE : from + random.nextInt(1000);
    List<Labels> streams = RandomLogs.streams(random, random.nextInt(5));
    return switch (random.nextInt(6)) {
      case 0 -> new HeadRequest.Streams(tenant, from, to);
      case 1 -> new HeadRequest.Entries(tenant, streams, from, to, random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD);
      case 2 -> new HeadRequest.LabelNames(tenant, from, to);
      case 3 -> new HeadRequest.LabelValues(tenant, random.nextBoolean() ? "app" : "", from, to);
      case 4 -> new HeadRequest.Volumes(tenant, streams, from, to);
      default -> new HeadRequest.Tenants();
    };
  }

  @Test
  void requestsRoundTripExactly() throws IOException {
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      HeadRequest request = randomRequest(random);
      assertThat(HeadProtocol.decodeRequest(HeadProtocol.encodeRequest(request), 1 << 20)).isEqualTo(request);
    }
  }

  @Test
  void entriesRoundTripExactlyWithMetadataAndEqualTimestampsInPushOrder() throws IOException {
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      InMemoryLogStore store = randomStore(random);
      HeadQueryService service = new HeadQueryService(store, () -> STATE, 1, 1 << 20, TestCluster.TOKEN);
      String tenant = random.nextBoolean() ? "t1" : "t2";
      long from = random.nextInt(500);
      long to = from + random.nextInt(700);
      Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
      List<Labels> all = store.series(tenant, labels -> true, Long.MIN_VALUE, Long.MAX_VALUE);
      List<Labels> wanted = all.stream().filter(labels -> random.nextInt(3) > 0).toList();
      byte[] bytes = answerBytes(service, new HeadRequest.Entries(tenant, wanted, from, to, direction));
      HeadReply<List<HeadStream>> reply = HeadResponses.readEntries(new ByteArrayInputStream(bytes), NO_LIMIT, "test answer");
      assertThat(reply.state()).isEqualTo(STATE);
      Predicate<Labels> selector = wanted::contains;
      List<Entry> expected = drain(store.select(new SelectRequest(tenant, selector, from, to, direction, null, List.of())));
      assertThat(drain(reply.value().stream().map(HeadStream::cursor).toList())).as("seed %d", seed).isEqualTo(expected);
    }
  }

  @Test
  void listAnswersRoundTripExactly() throws IOException {
    for (long seed = 0; seed < 100; seed++) {
      Random random = new Random(seed);
      InMemoryLogStore store = randomStore(random);
      HeadQueryService service = new HeadQueryService(store, () -> STATE, 1, 1 << 20, TestCluster.TOKEN);
      long from = random.nextInt(500);
      long to = from + random.nextInt(700);
      byte[] streams = answerBytes(service, new HeadRequest.Streams("t1", from, to));
      assertThat(HeadResponses.readLabelSets(new ByteArrayInputStream(streams), NO_LIMIT, "test").value()).isEqualTo(store.series("t1", labels -> true, from, to));
      byte[] names = answerBytes(service, new HeadRequest.LabelNames("t1", from, to));
      assertThat(HeadResponses.readStrings(new ByteArrayInputStream(names), HeadProtocol.KIND_LABEL_NAMES, NO_LIMIT, "test").value()).isEqualTo(store.labelNames("t1", from, to));
      byte[] values = answerBytes(service, new HeadRequest.LabelValues("t1", "app", from, to));
      assertThat(HeadResponses.readStrings(new ByteArrayInputStream(values), HeadProtocol.KIND_LABEL_VALUES, NO_LIMIT, "test").value()).isEqualTo(store.labelValues("t1", "app", from, to));
      List<Labels> all = store.series("t1", labels -> true, from, to);
      byte[] volumes = answerBytes(service, new HeadRequest.Volumes("t1", all, from, to));
      List<StreamVolume> expectedVolumes = store.streamVolumes("t1", labels -> true, from, to);
      assertThat(HeadResponses.readVolumes(new ByteArrayInputStream(volumes), NO_LIMIT, "test").value()).isEqualTo(expectedVolumes);
      byte[] tenants = answerBytes(service, new HeadRequest.Tenants());
      assertThat(HeadResponses.readStrings(new ByteArrayInputStream(tenants), HeadProtocol.KIND_TENANTS, NO_LIMIT, "test").value()).isEqualTo(store.tenants());
    }
  }

  /** Every decoder on garbage, mutations and truncations of valid messages: an answer or an IOException, nothing else. */
  @Test
  void garbageNeverCrashesTheDecoders() throws IOException {
    Random random = new Random(5);
    InMemoryLogStore store = randomStore(new Random(99));
    HeadQueryService service = new HeadQueryService(store, () -> STATE, 1, 1 << 20, TestCluster.TOKEN);
    List<Labels> all = store.series("t1", labels -> true, Long.MIN_VALUE, Long.MAX_VALUE);
    List<byte[]> valid = List.of(
        answerBytes(service, new HeadRequest.Entries("t1", all, 0, 1000, Direction.FORWARD)),
        answerBytes(service, new HeadRequest.Streams("t1", 0, 1000)),
        answerBytes(service, new HeadRequest.Volumes("t1", all, 0, 1000)),
        answerBytes(service, new HeadRequest.LabelNames("t1", 0, 1000)));
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      switch (random.nextInt(4)) {
        case 0 -> {
          bytes = new byte[random.nextInt(64)];
          random.nextBytes(bytes);
          if (random.nextBoolean() && bytes.length >= 6) {
            // Past the magic and version, so the garbage reaches the body decoders.
            System.arraycopy(HeadProtocol.RESPONSE_MAGIC, 0, bytes, 0, 4);
            bytes[4] = HeadProtocol.VERSION;
            bytes[5] = (byte) (1 + random.nextInt(6));
          }
        }
        case 1 -> {
          byte[] source = valid.get(random.nextInt(valid.size()));
          bytes = Arrays.copyOf(source, random.nextInt(source.length + 1));
        }
        default -> {
          byte[] source = valid.get(random.nextInt(valid.size()));
          bytes = source.clone();
          for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          }
        }
      }
      long limit = random.nextBoolean() ? NO_LIMIT : random.nextInt(4096);
      decodeAllWays(bytes, limit);
    }
  }

  private static void decodeAllWays(byte[] bytes, long limit) {
    List<ThrowingDecoder> decoders = List.of(
        () -> HeadResponses.readEntries(new ByteArrayInputStream(bytes), limit, "garbage"),
        () -> HeadResponses.readLabelSets(new ByteArrayInputStream(bytes), limit, "garbage"),
        () -> HeadResponses.readVolumes(new ByteArrayInputStream(bytes), limit, "garbage"),
        () -> HeadResponses.readStrings(new ByteArrayInputStream(bytes), HeadProtocol.KIND_LABEL_NAMES, limit, "garbage"),
        () -> HeadProtocol.decodeRequest(bytes, limit));
    for (ThrowingDecoder decoder : decoders) {
      try {
        decoder.decode();
      } catch (IOException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException | Error e) {
        fail("decoder crashed on " + Arrays.toString(bytes), e);
      }
    }
  }

  @FunctionalInterface
  private interface ThrowingDecoder {
    void decode() throws IOException;
  }

  @Test
  void requestGarbageIsRefusedWithAHeadProtocolException() {
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      byte[] bytes = HeadProtocol.encodeRequest(randomRequest(random));
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
      try {
        HeadProtocol.decodeRequest(bytes, 1 << 20);
      } catch (HeadProtocolException expected) {
        assertThat(expected.getMessage()).contains("head request");
      }
    }
  }

  @Test
  void aResponsePastTheLimitNamesTheLimit() throws IOException {
    InMemoryLogStore store = new InMemoryLogStore();
    Labels stream = Labels.of("app", "big");
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      entries.add(new LogEntry(i, "line number " + i + " with some padding to make it long"));
    }
    store.append("t", List.of(new StreamBatch(stream, entries)));
    byte[] bytes = answerBytes(new HeadQueryService(store, () -> STATE, 1, 1 << 20, TestCluster.TOKEN), new HeadRequest.Entries("t", List.of(stream), 0, 1000, Direction.FORWARD));
    assertThat(HeadResponses.readEntries(new ByteArrayInputStream(bytes), bytes.length, "exact").value().get(0).size()).isEqualTo(1000);
    assertThatThrownBy(() -> HeadResponses.readEntries(new ByteArrayInputStream(bytes), bytes.length - 1, "head answer of ingester-1"))
        .isInstanceOf(HeadProtocolException.class)
        .hasMessageContaining("head answer of ingester-1")
        .hasMessageContaining(String.valueOf(bytes.length - 1))
        .hasMessageContaining("max_head_response_bytes");
  }

  @Test
  void aRequestPastTheLimitOrOfAnotherVersionIsRefusedByName() {
    byte[] request = HeadProtocol.encodeRequest(new HeadRequest.Entries("t", RandomLogs.streams(new Random(1), 50), 0, 10, Direction.FORWARD));
    assertThatThrownBy(() -> HeadProtocol.decodeRequest(request, 100)).isInstanceOf(HeadProtocolException.class).hasMessageContaining("limit of 100 bytes");
    byte[] otherVersion = request.clone();
    otherVersion[4] = 9;
    assertThatThrownBy(() -> HeadProtocol.decodeRequest(otherVersion, 1 << 20)).isInstanceOf(HeadProtocolException.class).hasMessageContaining("version 9").hasMessageContaining("speaks version 1");
  }

  @Test
  void aHeadFailingMidStreamEndsTheAnswerWithItsError() throws IOException {
    Labels stream = Labels.of("app", "broken");
    InMemoryLogStore store = new InMemoryLogStore();
    store.append("t", List.of(new StreamBatch(stream, List.of(new LogEntry(1, "a"), new LogEntry(2, "b"), new LogEntry(3, "c")))));
    HeadQueryService service = new HeadQueryService(new FailingSelectStore(store, 2), () -> STATE, 1, 1 << 20, TestCluster.TOKEN);
    byte[] bytes = answerBytes(service, new HeadRequest.Entries("t", List.of(stream), 0, 10, Direction.FORWARD));
    assertThatThrownBy(() -> HeadResponses.readEntries(new ByteArrayInputStream(bytes), NO_LIMIT, "head answer of ingester-2"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("head answer of ingester-2 failed")
        .hasMessageContaining("stream {app=\"broken\"}")
        .hasMessageContaining("disk on fire after 2 entries");
  }
}
