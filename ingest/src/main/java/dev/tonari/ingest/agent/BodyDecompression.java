package dev.tonari.ingest.agent;

import com.github.luben.zstd.ZstdInputStream;
import dev.tonari.ingest.PushException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Undoes the {@code Content-Encoding} of an agent's body (OTLP, Elasticsearch bulk, JSON lines):
 * none/{@code identity}, {@code gzip}, {@code zstd} or {@code deflate} (zlib-wrapped, as the HTTP
 * RFC and Go's and Java's HTTP clients send it). The decompressed size is bounded while it is read:
 * a zip bomb allocates at most the limit plus one byte, then fails with 413 naming the limit.
 *
 * <p>Contract: returns the bytes or throws {@link PushException} (400 for a corrupt stream or an
 * unknown encoding, 413 over the limit); nothing else escapes for any input.
 */
public final class BodyDecompression {
  private BodyDecompression() {}

  /** Decompressed bytes; {@code bytes} may be longer than {@code length}. */
  public record Body(byte[] bytes, int length) {
    public static Body of(byte[] bytes) {
      return new Body(bytes, bytes.length);
    }
  }

  /**
   * @param limitKey the configuration key that sets {@code maxDecompressedBytes}, named in the 413
   */
  public static Body decompress(String contentEncoding, byte[] body, long maxDecompressedBytes, String limitKey) throws PushException {
    byte[] raw = body == null ? new byte[0] : body;
    int limit = (int) Math.min(maxDecompressedBytes, Integer.MAX_VALUE - 16);
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) {
      if (raw.length > limit) {
        throw new PushException(413, "request body too large: " + raw.length + " bytes, limit (" + limitKey + ") is " + limit + " bytes");
      }
      return Body.of(raw);
    }
    try (InputStream in = switch (encoding) {
      case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(raw), 8192);
      case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(raw));
      case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(raw));
      default -> throw new PushException(415, "Content-Encoding \"" + contentEncoding + "\" not supported: use gzip, zstd, deflate or none");
    }) {
      return readBounded(in, raw.length, limit, encoding, limitKey);
    } catch (EOFException e) {
      throw new PushException(400, encoding + ": unexpected end of the " + raw.length + "-byte compressed body", e);
    } catch (IOException | RuntimeException e) {
      // zstd-jni reports corrupt frames as ZstdIOException, some as RuntimeException: both are a bad body.
      throw new PushException(400, encoding + ": corrupt " + raw.length + "-byte compressed body: " + e.getMessage(), e);
    }
  }

  private static Body readBounded(InputStream in, int compressedLength, int limit, String codec, String limitKey)
      throws IOException, PushException {
    byte[] buffer = new byte[(int) Math.min(Math.max(8192L, (long) compressedLength * 8), (long) limit + 1)];
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > limit) {
          break;
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, (long) limit + 1));
      }
      int n = in.read(buffer, length, buffer.length - length);
      if (n < 0) {
        break;
      }
      length += n;
    }
    if (length > limit) {
      throw new PushException(413, "request body too large: more than " + limit + " bytes after " + codec
          + " decompression, limit (" + limitKey + ") is " + limit + " bytes");
    }
    return new Body(buffer, length);
  }
}
