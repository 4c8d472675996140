package dev.tonari.tenancy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree whose every node and key remembers its line and column.
 * Jackson's own trees forget positions, and a lint that cannot say where a problem is would be of
 * little use in review, so the loader validates this tree instead of binding to classes. Public so
 * that other config formats (the SLO specs) lint the same way and print the same positions.
 */
public final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

  /** A 1-based line and column. */
  public record Position(int line, int column) {
    static Position of(JsonLocation location) {
      return location == null ? new Position(1, 1) : new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }
  }

  public sealed interface Node permits Mapping, Sequence, Scalar {
    Position position();

    /** How the node is described in a "expected X, got Y" message. */
    String kindName();
  }

  /** A key with its own position (problems about the key point at the key, not at its value). */
  public record Entry(String key, Position keyPosition, Node value) {}

  public record Mapping(Position position, Map<String, Entry> entries) implements Node {
    @Override
    public String kindName() {
      return "a mapping";
    }
  }

  public record Sequence(Position position, List<Node> items) implements Node {
    @Override
    public String kindName() {
      return "a list";
    }
  }

  public enum ScalarKind {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }

  public record Scalar(Position position, String text, ScalarKind kind) implements Node {
    @Override
    public String kindName() {
      return switch (kind) {
        case STRING -> "the string \"" + text + "\"";
        case INTEGER, FLOAT -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
        case NULL -> "nothing (null)";
      };
    }
  }

  /** A document that is not YAML at all; carries the position the parser stopped at. */
  public static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Position position;

    SyntaxException(String message, Position position, Throwable cause) {
      super(message, cause);
      this.position = position;
    }

    /** Where the parser stopped, file-absolute. */
    public Position position() {
      return position;
    }
  }

  /**
   * Reads one document. Returns null for an empty document. A repeated key is reported through
   * {@code duplicateKeys} (key position and text) and the later value wins, so that one mistake
   * does not hide the rest of the file from the lint.
   */
  public static Node parse(String text, List<Map.Entry<Position, String>> duplicateKeys) throws SyntaxException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      Node root = read(parser, duplicateKeys);
      if (parser.nextToken() != null) {
        throw new SyntaxException("more than one YAML document; a tenants file holds exactly one", Position.of(parser.currentTokenLocation()), null);
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new SyntaxException("invalid YAML: " + oneLine(e.getOriginalMessage()), Position.of(e.getLocation()), e);
    } catch (IOException e) {
      // Reading from a String cannot fail with I/O; keep the cause if it somehow does.
      throw new SyntaxException("cannot read YAML: " + e.getMessage(), new Position(1, 1), e);
    }
  }

  /**
   * Reads every document of a multi-document text ({@code ---} separated), in order. Positions stay
   * relative to the whole text, so a problem in the third document names its line in the file.
   * Empty documents (and documents that are only {@code null}) are left out. Repeated keys are
   * reported through {@code duplicateKeys} as in {@link #parse}.
   *
   * @throws SyntaxException at the first place the text stops being YAML; documents before it are
   *     not returned, since a caller must not accept half a file
   */
  public static List<Node> parseAll(String text, List<Map.Entry<Position, String>> duplicateKeys) throws SyntaxException {
    List<Node> documents = new ArrayList<>();
    try (JsonParser parser = FACTORY.createParser(text)) {
      while (parser.nextToken() != null) {
        Node document = read(parser, duplicateKeys);
        if (!(document instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL)) {
          documents.add(document);
        }
      }
      return documents;
    } catch (JsonProcessingException e) {
      throw new SyntaxException("invalid YAML: " + oneLine(e.getOriginalMessage()), Position.of(e.getLocation()), e);
    } catch (IOException e) {
      throw new SyntaxException("cannot read YAML: " + e.getMessage(), new Position(1, 1), e);
    }
  }

  /**
   * SnakeYAML's messages span lines: the problem at column 0, then indented context (the source
   * line and a caret). A lint message must stay one line and the position is reported anyway.
   */
  private static String oneLine(String message) {
    StringBuilder text = new StringBuilder();
    for (String line : message.split("\n")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        if (!text.isEmpty()) {
          text.append("; ");
        }
        text.append(line.strip());
      }
    }
    return text.isEmpty() ? message.strip() : text.toString();
  }

  private static Node read(JsonParser parser, List<Map.Entry<Position, String>> duplicateKeys) throws IOException {
    Position position = Position.of(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          Position keyPosition = Position.of(parser.currentTokenLocation());
          parser.nextToken();
          Node value = read(parser, duplicateKeys);
          Entry previous = entries.put(key, new Entry(key, keyPosition, value));
          if (previous != null) {
            duplicateKeys.add(Map.entry(keyPosition, "key '" + key + "' is repeated (first at line "
                + previous.keyPosition().line() + " column " + previous.keyPosition().column() + ")"));
          }
        }
        return new Mapping(position, entries);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(parser, duplicateKeys));
        }
        return new Sequence(position, items);
      }
      case VALUE_STRING -> {
        return new Scalar(position, parser.getText(), ScalarKind.STRING);
      }
      case VALUE_NUMBER_INT -> {
        return new Scalar(position, parser.getText(), ScalarKind.INTEGER);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Scalar(position, parser.getText(), ScalarKind.FLOAT);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Scalar(position, parser.getText(), ScalarKind.BOOLEAN);
      }
      case VALUE_NULL -> {
        return new Scalar(position, "null", ScalarKind.NULL);
      }
      default -> throw new JsonParseFailure("unexpected YAML token " + token, parser);
    }
  }

  /** A token this reader does not handle (YAML anchors to binary data, embedded objects). */
  private static final class JsonParseFailure extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    JsonParseFailure(String message, JsonParser parser) {
      super(message, parser.currentTokenLocation());
    }
  }
}
