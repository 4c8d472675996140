package dev.tonari.slo.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SLO specs that teams pushed through the API ({@code POST /tonari/api/v1/slos}), kept as the
 * YAML bodies they sent, so that a restart parses exactly what was accepted (and a spec keeps its
 * comments and its form, Sloth or OpenSLO, for {@code GET}).
 *
 * <p>Layout under {@code <data_dir>/slo/api/<tenant>/}: {@code <sha256 of the body>.yaml} per
 * accepted body, and {@code index.json} mapping each SLO id to the body that defines it now. A body
 * may define several SLOs; posting a new body that defines an id moves that id to the new body,
 * and a body no id points at any more is deleted. Every file is written through
 * {@link AtomicFiles#write} (temporary file, fsync, rename), the bodies before the index, so a crash
 * leaves either the old or the new index, and at worst an unreferenced body, removed at the next
 * change.
 */
final class ApiSpecStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "index.json";

  private final Path root;

  ApiSpecStore(Path root) {
    this.root = root;
  }

  /** One tenant's bodies: id -> body text (the same text for ids from one body). */
  synchronized Map<String, String> load(String tenant) throws IOException {
    Map<String, String> index = readIndex(tenant);
    Map<String, String> bodies = new LinkedHashMap<>();
    Map<String, String> texts = new TreeMap<>();
    for (Map.Entry<String, String> entry : index.entrySet()) {
      String text = texts.get(entry.getValue());
      if (text == null) {
        Path file = directory(tenant).resolve(entry.getValue() + ".yaml");
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          throw new IOException("SLO store of tenant " + tenant + ": " + INDEX + " names " + file + " for SLO " + entry.getKey()
              + ", which is missing", e);
        }
        texts.put(entry.getValue(), text);
      }
      bodies.put(entry.getKey(), text);
    }
    return bodies;
  }

  /** The tenants with any stored SLO. */
  synchronized List<String> tenants() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      java.util.ArrayList<String> tenants = new java.util.ArrayList<>();
      for (Path dir : dirs) {
        if (Files.exists(dir.resolve(INDEX))) {
          tenants.add(dir.getFileName().toString());
        }
      }
      java.util.Collections.sort(tenants);
      return tenants;
    }
  }

  /** Stores a body defining {@code ids}, which from now on come from it. */
  synchronized void put(String tenant, String body, List<String> ids) throws IOException {
    String hash = sha256(body);
    Path directory = directory(tenant);
    Files.createDirectories(directory);
    AtomicFiles.write(directory.resolve(hash + ".yaml"), body.getBytes(StandardCharsets.UTF_8));
    Map<String, String> index = readIndex(tenant);
    for (String id : ids) {
      index.put(id, hash);
    }
    writeIndex(tenant, index);
  }

  /** Forgets an id; false when the API never defined it. */
  synchronized boolean delete(String tenant, String id) throws IOException {
    Map<String, String> index = readIndex(tenant);
    if (index.remove(id) == null) {
      return false;
    }
    writeIndex(tenant, index);
    return true;
  }

  private void writeIndex(String tenant, Map<String, String> index) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    new TreeMap<>(index).forEach(node::put);
    AtomicFiles.write(directory(tenant).resolve(INDEX), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    // Bodies no id points at any more.
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory(tenant), "*.yaml")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (!index.containsValue(name.substring(0, name.length() - ".yaml".length()))) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Map<String, String> readIndex(String tenant) throws IOException {
    Path file = directory(tenant).resolve(INDEX);
    Map<String, String> index = new TreeMap<>();
    if (!Files.exists(file)) {
      return index;
    }
    try {
      JSON.readTree(file.toFile()).properties().forEach(entry -> index.put(entry.getKey(), entry.getValue().asText()));
    } catch (IOException e) {
      throw new IOException("SLO store of tenant " + tenant + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    return index;
  }

  private Path directory(String tenant) {
    return root.resolve(tenant);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
