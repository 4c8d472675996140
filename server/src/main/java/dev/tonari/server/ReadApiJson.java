package dev.tonari.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.tonari.ingest.PushEncoder;
import dev.tonari.store.IndexStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.util.List;

/**
 * The JSON bodies of the read endpoints that {@link LokiJson} does not cover: {@code index/stats},
 * {@code format_query} and the frames of {@code tail}, in the exact shapes Loki writes them.
 */
final class ReadApiJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private ReadApiJson() {}

  /** {@code {"streams":1,"chunks":1,"bytes":12,"entries":2}}, the field order of Loki's {@code stats.Stats}. */
  static void writeIndexStats(OutputStream out, IndexStats stats) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeNumberField("streams", stats.streams());
      json.writeNumberField("chunks", stats.chunks());
      json.writeNumberField("bytes", stats.bytes());
      json.writeNumberField("entries", stats.entries());
      json.writeEndObject();
    }
  }

  /**
   * {@code {"status":"success","data":"{app=\"api\"}"}} followed by a newline: Loki answers with Go's
   * {@code json.Encoder}, which ends the value with a newline and escapes {@code <}, {@code >} and
   * {@code &} (so {@code status >= 500} reads {@code status \u003e= 500}); we write the same bytes.
   */
  static void writeFormattedQuery(OutputStream out, String query) throws IOException {
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.setCharacterEscapes(GoHtmlSafeEscapes.INSTANCE);
      json.writeStartObject();
      json.writeStringField("status", "success");
      json.writeStringField("data", query);
      json.writeEndObject();
    }
    out.write('\n');
  }

  /**
   * One frame of the tail WebSocket: {@code {"streams":[{"stream":{...},"values":[["<ns>","line"]]}]}}.
   * Loki leaves {@code dropped_entries} out when nothing was dropped, and a poller never drops.
   */
  static String tailFrame(List<LokiJson.Stream> streams) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text)) {
      json.writeStartObject();
      json.writeArrayFieldStart("streams");
      for (LokiJson.Stream stream : streams) {
        PushEncoder.writeStream(json, stream.labels(), stream.entries(), false);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return text.toString();
  }

  /** The escapes of Go's {@code encoding/json} with HTML escaping on, its default. */
  private static final class GoHtmlSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final GoHtmlSafeEscapes INSTANCE = new GoHtmlSafeEscapes();
    // Go writes lower-case hex digits; Jackson's standard escapes are upper case.
    private static final SerializedString LESS_THAN = new SerializedString("\\u003c");
    private static final SerializedString GREATER_THAN = new SerializedString("\\u003e");
    private static final SerializedString AMPERSAND = new SerializedString("\\u0026");
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] asciiEscapes;

    private GoHtmlSafeEscapes() {
      asciiEscapes = CharacterEscapes.standardAsciiEscapesForJSON();
      asciiEscapes['<'] = CharacterEscapes.ESCAPE_CUSTOM;
      asciiEscapes['>'] = CharacterEscapes.ESCAPE_CUSTOM;
      asciiEscapes['&'] = CharacterEscapes.ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return asciiEscapes.clone();
    }

    @Override
    public SerializableString getEscapeSequence(int character) {
      return switch (character) {
        case '<' -> LESS_THAN;
        case '>' -> GREATER_THAN;
        case '&' -> AMPERSAND;
        case 0x2028 -> LINE_SEPARATOR;
        case 0x2029 -> PARAGRAPH_SEPARATOR;
        default -> null;
      };
    }
  }
}
