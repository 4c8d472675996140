package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertFingerprint;
import dev.tonari.rules.alert.AlertState;
import dev.tonari.rules.alert.AlertTransition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Encodes and decodes the header and records of a history file, as laid out in {@link
 * AlertHistory}. The decoders throw nothing but {@link CorruptHistoryException}, whatever the bytes.
 */
final class HistoryCodec {
  static final byte[] MAGIC = {(byte) 0x89, 'T', 'A', 'H'};
  static final String FORMAT_NAME = "tonari-alert-history";
  static final int VERSION = 1;
  static final int FRAME_HEADER_BYTES = 8;
  /** Larger frames can only come from corruption: a record holds one alert's labels and annotations, or the open episodes. */
  static final int MAX_RECORD_BYTES = 64 << 20;
  static final long NO_TIME = Long.MIN_VALUE;

  static final int KIND_OPEN_EPISODES = 1;
  static final int KIND_TRANSITION = 2;
  static final int KIND_ACKNOWLEDGED = 3;

  private HistoryCodec() {}

  /** The start of a file: who and which UTC day it is for. */
  record FileHeader(String tenant, long epochDay, int length) {}

  static long nanosOf(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  static Instant instantOf(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  static byte[] header(String tenant, long epochDay) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(FORMAT_NAME.length());
      out.write(FORMAT_NAME.getBytes(StandardCharsets.US_ASCII));
      out.writeShort(VERSION);
      byte[] name = tenant.getBytes(StandardCharsets.UTF_8);
      out.writeShort(name.length);
      out.write(name);
      out.writeInt(Math.toIntExact(epochDay));
      out.writeInt((int) crc(bytes.toByteArray(), 0, bytes.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a header from the start of {@code bytes} (which may hold more). */
  static FileHeader readHeader(ByteBuffer bytes) throws CorruptHistoryException {
    try {
      int start = bytes.position();
      for (byte expected : MAGIC) {
        if (bytes.get() != expected) {
          throw new CorruptHistoryException("not a history file: bad magic");
        }
      }
      int nameLength = bytes.get() & 0xff;
      byte[] name = new byte[nameLength];
      bytes.get(name);
      if (!FORMAT_NAME.equals(new String(name, StandardCharsets.US_ASCII))) {
        throw new CorruptHistoryException("not a history file: format name is not " + FORMAT_NAME);
      }
      int version = bytes.getShort() & 0xffff;
      if (version != VERSION) {
        throw new CorruptHistoryException("history file version " + version + " is not supported; this Tonari reads version " + VERSION);
      }
      int tenantLength = bytes.getShort() & 0xffff;
      if (tenantLength > bytes.remaining()) {
        throw new CorruptHistoryException("history file header: tenant length " + tenantLength + " runs past the end");
      }
      String tenant = utf8(bytes, tenantLength);
      long epochDay = bytes.getInt();
      int end = bytes.position();
      int stored = bytes.getInt();
      ByteBuffer covered = bytes.duplicate().position(start).limit(end);
      if ((int) crc(covered) != stored) {
        throw new CorruptHistoryException("history file header: CRC32 mismatch");
      }
      return new FileHeader(tenant, epochDay, bytes.position() - start);
    } catch (BufferUnderflowException e) {
      throw new CorruptHistoryException("history file header is cut short");
    }
  }

  /** A record framed for appending: length, CRC32 of the payload, payload. */
  static byte[] frame(HistoryRecord record) {
    byte[] payload = payload(record);
    ByteBuffer framed = ByteBuffer.allocate(FRAME_HEADER_BYTES + payload.length);
    framed.putInt(payload.length).putInt((int) crc(payload, 0, payload.length)).put(payload);
    return framed.array();
  }

  static byte[] payload(HistoryRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      switch (record) {
        case HistoryRecord.OpenEpisodes open -> {
          out.writeByte(KIND_OPEN_EPISODES);
          out.writeLong(nanosOf(open.at()));
          out.writeInt(open.episodes().size());
          for (AlertEpisode episode : open.episodes()) {
            writeEpisode(out, episode);
          }
        }
        case HistoryRecord.Transition transition -> {
          out.writeByte(KIND_TRANSITION);
          writeString(out, transition.episodeId());
          out.writeLong(nanosOf(transition.episodeStart()));
          AlertTransition change = transition.transition();
          out.writeLong(nanosOf(change.at()));
          writeString(out, change.namespace());
          writeString(out, change.group());
          writeString(out, change.rule());
          out.writeByte(stateCode(change.from()));
          out.writeByte(stateCode(change.to()));
          out.writeDouble(change.value());
          writeMap(out, change.labels());
          writeMap(out, change.annotations());
        }
        case HistoryRecord.Acknowledged acknowledged -> {
          out.writeByte(KIND_ACKNOWLEDGED);
          writeString(out, acknowledged.episodeId());
          out.writeLong(nanosOf(acknowledged.episodeStart()));
          writeAcknowledgement(out, acknowledged.acknowledgement());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes one payload (without its frame) of a file of {@code tenant}. */
  static HistoryRecord decode(ByteBuffer payload, String tenant) throws CorruptHistoryException {
    try {
      int kind = payload.get() & 0xff;
      HistoryRecord record = switch (kind) {
        case KIND_OPEN_EPISODES -> {
          Instant at = instantOf(payload.getLong());
          int count = count(payload, 40);
          List<AlertEpisode> episodes = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            episodes.add(readEpisode(payload, tenant));
          }
          yield new HistoryRecord.OpenEpisodes(at, episodes);
        }
        case KIND_TRANSITION -> {
          String episodeId = readString(payload);
          Instant episodeStart = instantOf(payload.getLong());
          Instant at = instantOf(payload.getLong());
          String namespace = readString(payload);
          String group = readString(payload);
          String rule = readString(payload);
          AlertState from = stateOf(payload.get());
          AlertState to = stateOf(payload.get());
          if (from == to) {
            throw new CorruptHistoryException("transition record: from and to are both " + from.label());
          }
          double value = payload.getDouble();
          Map<String, String> labels = readMap(payload);
          Map<String, String> annotations = readMap(payload);
          yield new HistoryRecord.Transition(episodeId, episodeStart,
              new AlertTransition(tenant, namespace, group, rule, labels, annotations, from, to, at, value));
        }
        case KIND_ACKNOWLEDGED -> {
          String episodeId = readString(payload);
          Instant episodeStart = instantOf(payload.getLong());
          yield new HistoryRecord.Acknowledged(episodeId, episodeStart, readAcknowledgement(payload));
        }
        default -> throw new CorruptHistoryException("unknown record kind " + kind);
      };
      if (payload.hasRemaining()) {
        throw new CorruptHistoryException("record of kind " + kind + " has " + payload.remaining() + " bytes left over");
      }
      return record;
    } catch (BufferUnderflowException e) {
      throw new CorruptHistoryException("record is cut short");
    }
  }

  private static void writeEpisode(DataOutputStream out, AlertEpisode episode) throws IOException {
    writeString(out, episode.id());
    out.writeLong(nanosOf(episode.startedAt()));
    out.writeLong(episode.firedAt().map(HistoryCodec::nanosOf).orElse(NO_TIME));
    out.writeByte(stateCode(episode.state()));
    writeString(out, episode.namespace());
    writeString(out, episode.group());
    writeString(out, episode.rule());
    writeMap(out, episode.labels());
    writeMap(out, episode.annotations());
    out.writeDouble(episode.value());
    out.writeByte(episode.acknowledgement().isPresent() ? 1 : 0);
    if (episode.acknowledgement().isPresent()) {
      writeAcknowledgement(out, episode.acknowledgement().get());
    }
  }

  private static AlertEpisode readEpisode(ByteBuffer in, String tenant) throws CorruptHistoryException {
    String id = readString(in);
    Instant startedAt = instantOf(in.getLong());
    long fired = in.getLong();
    AlertState state = stateOf(in.get());
    if (state == AlertState.INACTIVE) {
      throw new CorruptHistoryException("open episode " + id + " is inactive");
    }
    String namespace = readString(in);
    String group = readString(in);
    String rule = readString(in);
    Map<String, String> labels = readMap(in);
    Map<String, String> annotations = readMap(in);
    double value = in.getDouble();
    int acknowledged = in.get();
    Optional<Acknowledgement> acknowledgement = switch (acknowledged) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of(readAcknowledgement(in));
      default -> throw new CorruptHistoryException("open episode " + id + ": acknowledgement flag " + acknowledged);
    };
    return new AlertEpisode(id, tenant, namespace, group, rule, AlertFingerprint.of(labels), labels, annotations, state, startedAt,
        fired == NO_TIME ? Optional.empty() : Optional.of(instantOf(fired)), Optional.empty(), acknowledgement, value);
  }

  private static void writeAcknowledgement(DataOutputStream out, Acknowledgement acknowledgement) throws IOException {
    out.writeLong(nanosOf(acknowledgement.at()));
    writeString(out, acknowledgement.by());
    writeString(out, acknowledgement.comment());
  }

  private static Acknowledgement readAcknowledgement(ByteBuffer in) throws CorruptHistoryException {
    Instant at = instantOf(in.getLong());
    return new Acknowledgement(at, readString(in), readString(in));
  }

  private static int stateCode(AlertState state) {
    return switch (state) {
      case INACTIVE -> 0;
      case PENDING -> 1;
      case FIRING -> 2;
    };
  }

  private static AlertState stateOf(byte code) throws CorruptHistoryException {
    return switch (code) {
      case 0 -> AlertState.INACTIVE;
      case 1 -> AlertState.PENDING;
      case 2 -> AlertState.FIRING;
      default -> throw new CorruptHistoryException("unknown alert state code " + code);
    };
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(ByteBuffer in) throws CorruptHistoryException {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new CorruptHistoryException("string of " + Integer.toUnsignedString(length) + " bytes runs past the record's end");
    }
    return utf8(in, length);
  }

  private static String utf8(ByteBuffer in, int length) throws CorruptHistoryException {
    ByteBuffer slice = in.slice(in.position(), length);
    in.position(in.position() + length);
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new CorruptHistoryException("string is not valid UTF-8");
    }
  }

  private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, String> entry : map.entrySet()) {
      writeString(out, entry.getKey());
      writeString(out, entry.getValue());
    }
  }

  private static Map<String, String> readMap(ByteBuffer in) throws CorruptHistoryException {
    int count = count(in, 8);
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      map.put(key, readString(in));
    }
    return map;
  }

  /** A count of items of at least {@code minimumItemBytes} each, checked against what is left so garbage cannot make it allocate. */
  private static int count(ByteBuffer in, int minimumItemBytes) throws CorruptHistoryException {
    int count = in.getInt();
    if (count < 0 || (long) count * minimumItemBytes > in.remaining()) {
      throw new CorruptHistoryException("count " + Integer.toUnsignedString(count) + " does not fit in the record's " + in.remaining() + " bytes");
    }
    return count;
  }

  static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }

  static long crc(ByteBuffer bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes.duplicate());
    return crc.getValue();
  }
}
