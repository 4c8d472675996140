package dev.tonari.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tonari.tenancy.config.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tonari lint} for server config files: every key and value checked as {@code tonari
 * server --config} checks them, reported as {@code FILE:LINE:COL: error: message}. A problem
 * found after parsing (a missing {@code storage.s3.bucket}, a bad {@code storage.type}) is placed
 * at the key it names, found with the positions of {@link YamlTree}.
 */
public final class ServerConfigLint {
  /** Top-level keys only a server config has (tenants files have defaults, tenants, routing, pricing). */
  private static final Set<String> SERVER_KEYS = Set.of("server", "storage", "auth", "slo", "retention", "limits", "cluster");
  private static final Pattern LOCATION_PREFIX = Pattern.compile("^.*? line (\\d+) column (\\d+)(?: key '([^']*)')?: ");
  private static final Pattern DOTTED_KEY = Pattern.compile("\\b([a-z_]+(?:\\.[a-z_0-9]+)+)\\b");

  private ServerConfigLint() {}

  /** Whether the YAML text is a server config rather than a tenants or SLO file. */
  public static boolean looksLikeServerConfig(String text) {
    try {
      YamlTree.Node root = YamlTree.parse(text, new ArrayList<>());
      if (root instanceof YamlTree.Mapping mapping) {
        if (mapping.entries().containsKey("defaults") || mapping.entries().containsKey("routing") || mapping.entries().containsKey("pricing")) {
          return false;
        }
        for (String key : mapping.entries().keySet()) {
          if (SERVER_KEYS.contains(key)) {
            return true;
          }
        }
      }
      return false;
    } catch (YamlTree.SyntaxException e) {
      return false;
    }
  }

  /** The problems of one file, each as {@code FILE:LINE:COL: error: message}; empty when valid. */
  public static List<String> check(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return List.of(file + ":1:1: error: cannot read: " + e.getMessage());
    }
    try {
      // The TLS files must exist and parse: the server would refuse to start on them.
      java.util.Optional<String> tls = ServerConfig.parse(text, file.toString()).tls().problem();
      if (tls.isPresent()) {
        YamlTree.Position position = positionOfNamedKey(text, tls.get());
        return List.of(file + ":" + (position == null ? 1 : position.line()) + ":" + (position == null ? 1 : position.column()) + ": error: "
            + tls.get());
      }
      return List.of();
    } catch (ServerConfig.ConfigException e) {
      String message = e.getMessage();
      Matcher prefix = LOCATION_PREFIX.matcher(message);
      if (prefix.find()) {
        message = (prefix.group(3) != null ? prefix.group(3) + ": " : "") + message.substring(prefix.end());
      } else if (message.startsWith(file + ": ")) {
        message = message.substring(file.toString().length() + 2);
      }
      int line = 1;
      int column = 1;
      if (e.getCause() instanceof JsonProcessingException json && json.getLocation() != null) {
        JsonLocation location = json.getLocation();
        line = Math.max(1, location.getLineNr());
        column = Math.max(1, location.getColumnNr());
      } else {
        YamlTree.Position position = positionOfNamedKey(text, message);
        if (position != null) {
          line = position.line();
          column = position.column();
        }
      }
      return List.of(file + ":" + line + ":" + column + ": error: " + message);
    }
  }

  /** Where the deepest existing part of the first dotted key in the message is, or null. */
  static YamlTree.Position positionOfNamedKey(String text, String message) {
    Matcher key = DOTTED_KEY.matcher(message);
    if (!key.find()) {
      return null;
    }
    YamlTree.Node node;
    try {
      node = YamlTree.parse(text, new ArrayList<>());
    } catch (YamlTree.SyntaxException e) {
      return null;
    }
    YamlTree.Position found = null;
    for (String segment : key.group(1).split("\\.")) {
      if (!(node instanceof YamlTree.Mapping mapping)) {
        break;
      }
      Map<String, YamlTree.Entry> entries = mapping.entries();
      YamlTree.Entry entry = entries.get(segment);
      if (entry == null) {
        break;
      }
      found = entry.keyPosition();
      node = entry.value();
    }
    return found;
  }
}
