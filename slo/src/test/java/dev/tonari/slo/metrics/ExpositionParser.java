package dev.tonari.slo.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} or a sample; names and label names must be valid; label values
 * may only use the {@code \\}, {@code \"} and {@code \n} escapes; a family's HELP and TYPE come
 * once, before its samples, and its samples are contiguous; no series appears twice. Returns per
 * metric name the samples by their labels.
 */
final class ExpositionParser {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|NaN|[-+]Inf");

  private ExpositionParser() {}

  static Map<String, Map<Map<String, String>, Double>> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    Map<String, Map<Map<String, String>, Double>> families = new LinkedHashMap<>();
    Set<String> typed = new HashSet<>();
    Set<String> helped = new HashSet<>();
    Set<String> closed = new HashSet<>();
    String current = null;
    int lineNumber = 0;
    for (String line : text.split("\n", -1)) {
      lineNumber++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + lineNumber + " (" + line + "): ";
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          throw new IllegalArgumentException(where + "a comment line must be # HELP or # TYPE");
        }
        String name = parts[2];
        require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
        require(!closed.contains(name) && !families.containsKey(name), where + "HELP or TYPE after the family's samples");
        if (parts[1].equals("TYPE")) {
          require(parts.length == 4 && parts[3].equals("gauge"), where + "expected TYPE gauge");
          require(typed.add(name), where + "second TYPE");
        } else {
          require(helped.add(name), where + "second HELP");
          require(parts.length == 4, where + "HELP without text");
          checkHelpEscapes(parts[3], where);
        }
        if (current != null && !current.equals(name)) {
          closed.add(current);
        }
        current = name;
        continue;
      }
      int position = 0;
      while (position < line.length() && line.charAt(position) != '{' && line.charAt(position) != ' ') {
        position++;
      }
      String name = line.substring(0, position);
      require(METRIC_NAME.matcher(name).matches(), where + "bad metric name");
      require(typed.contains(name), where + "sample before its TYPE");
      require(!closed.contains(name), where + "family not contiguous");
      if (current != null && !current.equals(name)) {
        closed.add(current);
      }
      current = name;
      Map<String, String> labels = new TreeMap<>();
      if (position < line.length() && line.charAt(position) == '{') {
        position++;
        while (line.charAt(position) != '}') {
          int nameStart = position;
          while (line.charAt(position) != '=') {
            position++;
          }
          String labelName = line.substring(nameStart, position);
          require(LABEL_NAME.matcher(labelName).matches(), where + "bad label name " + labelName);
          position++;
          require(line.charAt(position) == '"', where + "label value not quoted");
          position++;
          StringBuilder value = new StringBuilder();
          while (line.charAt(position) != '"') {
            char c = line.charAt(position);
            if (c == '\\') {
              char escaped = line.charAt(position + 1);
              switch (escaped) {
                case '\\' -> value.append('\\');
                case '"' -> value.append('"');
                case 'n' -> value.append('\n');
                default -> throw new IllegalArgumentException(where + "bad escape \\" + escaped);
              }
              position += 2;
            } else {
              value.append(c);
              position++;
            }
          }
          position++;
          require(labels.put(labelName, value.toString()) == null, where + "label " + labelName + " twice");
          if (line.charAt(position) == ',') {
            position++;
          } else {
            require(line.charAt(position) == '}', where + "expected , or }");
          }
        }
        position++;
      }
      require(position < line.length() && line.charAt(position) == ' ', where + "expected a space before the value");
      String number = line.substring(position + 1);
      require(NUMBER.matcher(number).matches(), where + "bad value " + number);
      double value = switch (number) {
        case "NaN" -> Double.NaN;
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(number);
      };
      Map<Map<String, String>, Double> samples = families.computeIfAbsent(name, key -> new LinkedHashMap<>());
      require(samples.put(labels, value) == null, where + "series twice");
    }
    return families;
  }

  private static void checkHelpEscapes(String help, String where) {
    for (int i = 0; i < help.length(); i++) {
      if (help.charAt(i) == '\\') {
        require(i + 1 < help.length() && (help.charAt(i + 1) == '\\' || help.charAt(i + 1) == 'n'), where + "bad escape in HELP");
        i++;
      }
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
