package dev.tonari.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UI's static files, looked up by the path below {@code /ui/}: the pages and modules in this
 * jar ({@code dev/tonari/ui/static/}) and the vendored uPlot from its webjar under {@code
 * vendor/uplot/}. A path without a file extension is a page of the single-page app and gets
 * {@code index.html}, so that a shared link such as {@code /ui/explore?query=...} opens directly.
 *
 * <p>Every asset carries a strong ETag (SHA-256 of its bytes) so that browsers revalidate cheaply
 * instead of caching a stale page across upgrades. Paths are matched against a fixed alphabet and
 * never contain {@code ..}, so no request reads outside the two resource folders.
 */
public final class UiAssets {
  private static final String ROOT = "dev/tonari/ui/static/";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/" + UplotVersion.VERSION + "/dist/";
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "json", "application/json; charset=utf-8",
      "ico", "image/x-icon");

  /** One file: its bytes, content type and ETag. */
  public record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  /**
   * The asset for a path below {@code /ui/} (without the leading {@code /ui/}; empty for the
   * index), or empty for an unknown file.
   */
  public Optional<Asset> find(String path) {
    String clean = path == null ? "" : path;
    while (clean.startsWith("/")) {
      clean = clean.substring(1);
    }
    if (!isAssetPath(clean) || clean.contains("..") || clean.contains("//")) {
      return Optional.empty();
    }
    String name = clean.substring(clean.lastIndexOf('/') + 1);
    if (!name.contains(".")) {
      clean = "index.html";
    }
    return cache.computeIfAbsent(clean, UiAssets::load);
  }

  /** Letters, digits and {@code _ . / -} only: the names of the files in the jar. */
  private static boolean isAssetPath(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Asset> load(String path) {
    String resource = path.startsWith("vendor/uplot/") ? UPLOT + path.substring("vendor/uplot/".length()) : ROOT + path;
    String extension = path.substring(path.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      return Optional.of(new Asset(bytes, type, "\"" + sha256(bytes) + "\""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read UI asset " + resource + " from the jar", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** The index page as text, for tests. */
  public String indexText() {
    return new String(find("").orElseThrow().bytes(), StandardCharsets.UTF_8);
  }
}
