package dev.tonari.ingest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.xerial.snappy.Snappy;

/**
 * Decodes the body of a {@code POST /loki/api/v1/push} as Loki's {@code ParseLokiRequest} does.
 *
 * <p>Content-Type {@code application/json} (any parameters) selects Loki's JSON push format; every
 * other type, and none, selects protobuf ({@code logproto.PushRequest}) compressed with snappy's
 * block format, as Loki does. Content-Encoding may be absent, {@code identity}, {@code gzip},
 * {@code deflate} (raw, as Go's flate reader expects, or zlib-wrapped) or {@code snappy}
 * (protobuf bodies are snappy already; for JSON it means a snappy block).
 *
 * <p>The contract: this method returns a {@link PushRequest} or throws a {@link PushException};
 * no other exception escapes for any input bytes. A body that is not well formed is a 400 whose
 * message starts with {@code "error parsing push request: "} and names the byte offset and the
 * text around it; a body larger than {@code maxDecompressedBytes} before or after decompression is
 * a 413, detected before the bytes are materialised (zip bombs allocate at most the limit).
 * Label problems of single streams are not errors here: they are recorded in {@link
 * PushRequest#rejectedStreams()} so the good streams of the same request are kept.
 */
public final class PushDecoder {
  private PushDecoder() {}

  /**
   * Bytes and the used length; decompression buffers are larger than their content.
   *
   * @param pooled whether {@code bytes} is a decompression buffer to give back once decoded
   */
  record Payload(byte[] bytes, int length, boolean pooled) {
    Payload(byte[] bytes, int length) {
      this(bytes, length, false);
    }
  }

  public static PushRequest decode(String contentType, String contentEncoding, byte[] body, long maxDecompressedBytes)
      throws PushException {
    byte[] raw = body == null ? new byte[0] : body;
    // An int-sized buffer bounds what we can hold, whatever the configured limit.
    int limit = (int) Math.min(maxDecompressedBytes, Integer.MAX_VALUE - 16);
    if (raw.length > limit) {
      throw new PushException(413, String.format(LokiMessages.BODY_TOO_LARGE, raw.length, limit));
    }
    boolean json = isJson(contentType);
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    Payload payload = switch (encoding) {
      case "", "identity" -> new Payload(raw, raw.length);
      case "gzip", "x-gzip" -> gunzip(raw, limit);
      case "deflate" -> inflate(raw, limit);
      // For protobuf the snappy block is undone below, as for every protobuf body (Loki #3407).
      case "snappy" -> json ? unsnappy(new Payload(raw, raw.length), limit) : new Payload(raw, raw.length);
      default -> throw new PushException(400, "Content-Encoding \"" + contentEncoding
          + "\" not supported: use gzip, deflate, snappy or none");
    };
    if (json) {
      try {
        return JsonPushDecoder.decode(payload);
      } finally {
        release(payload);
      }
    }
    Payload message = unsnappy(payload, limit);
    release(payload);
    try {
      return ProtobufPushDecoder.decode(message);
    } finally {
      release(message);
    }
  }

  /** The decoders copy every line and label out of the payload, so its buffer can serve the next request. */
  private static void release(Payload payload) {
    if (payload.pooled()) {
      DecompressionBuffers.give(payload.bytes());
    }
  }

  /** True for {@code application/json}, ignoring case, parameters and surrounding spaces. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return media.equalsIgnoreCase("application/json");
  }

  private static Payload unsnappy(Payload compressed, int limit) throws PushException {
    try {
      int length = Snappy.uncompressedLength(compressed.bytes(), 0, compressed.length());
      // A declared length above 2 GiB wraps negative; it is over any limit either way.
      if (length < 0 || length > limit) {
        throw new PushException(413, String.format(LokiMessages.BODY_TOO_LARGE,
            length < 0 ? Integer.toUnsignedLong(length) : length, limit) + " (after snappy decompression)");
      }
      if (!Snappy.isValidCompressedBuffer(compressed.bytes(), 0, compressed.length())) {
        throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "snappy: corrupt input of "
            + compressed.length() + " bytes (protobuf bodies must be snappy block-compressed)");
      }
      byte[] out = DecompressionBuffers.take(length, limit + 1);
      int written;
      try {
        written = Snappy.uncompress(compressed.bytes(), 0, compressed.length(), out, 0);
      } catch (IOException | RuntimeException e) {
        DecompressionBuffers.give(out);
        throw e;
      }
      return new Payload(out, written, true);
    } catch (IOException e) {
      throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "snappy: corrupt input of "
          + compressed.length() + " bytes: " + e.getMessage()
          + " (protobuf bodies must be snappy block-compressed)", e);
    }
  }

  private static Payload gunzip(byte[] raw, int limit) throws PushException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
      return readBounded(in, raw.length, limit, "gzip");
    } catch (EOFException e) {
      throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "gzip: unexpected end of the "
          + raw.length + "-byte body", e);
    } catch (IOException e) {
      throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "gzip: " + e.getMessage()
          + " in a " + raw.length + "-byte body", e);
    }
  }

  private static Payload readBounded(InputStream in, int compressedLength, int limit, String codec)
      throws IOException, PushException {
    // A pooled buffer is never larger than limit + 1, so reading into it keeps the bound.
    byte[] buffer = DecompressionBuffers.take(initialCapacity(compressedLength, limit), limit + 1);
    int length = 0;
    while (true) {
      if (length == buffer.length) {
        if (length > limit) {
          DecompressionBuffers.give(buffer);
          throw tooLargeAfter(codec, limit);
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, (long) limit + 1));
      }
      int n;
      try {
        n = in.read(buffer, length, buffer.length - length);
      } catch (IOException | RuntimeException e) {
        DecompressionBuffers.give(buffer);
        throw e;
      }
      if (n < 0) {
        break;
      }
      length += n;
    }
    if (length > limit) {
      DecompressionBuffers.give(buffer);
      throw tooLargeAfter(codec, limit);
    }
    return new Payload(buffer, length, true);
  }

  /** Room for the usual 5-10x text compression, never more than one byte past the limit. */
  private static int initialCapacity(int compressedLength, int limit) {
    long guess = Math.max(8192L, (long) compressedLength * 8);
    return (int) Math.min(guess, (long) limit + 1);
  }

  private static PushException tooLargeAfter(String codec, int limit) {
    return new PushException(413, "request body too large: more than " + limit + " bytes after " + codec
        + " decompression, limit: " + limit + " bytes");
  }

  private static Payload inflate(byte[] raw, int limit) throws PushException {
    // Go's flate reader (what Loki uses) wants raw DEFLATE; HTTP's "deflate" is formally zlib. Accept both.
    boolean zlib = raw.length >= 2 && (raw[0] & 0x0F) == 8 && (((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF)) % 31 == 0;
    Inflater inflater = new Inflater(!zlib);
    try {
      inflater.setInput(raw);
      byte[] buffer = new byte[initialCapacity(raw.length, limit)];
      int length = 0;
      while (!inflater.finished()) {
        if (length == buffer.length) {
          if (length > limit) {
            throw tooLargeAfter("deflate", limit);
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, (long) limit + 1));
        }
        int n = inflater.inflate(buffer, length, buffer.length - length);
        length += n;
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "deflate: unexpected end of the "
              + raw.length + "-byte body after " + inflater.getBytesRead() + " bytes");
        }
      }
      if (length > limit) {
        throw tooLargeAfter("deflate", limit);
      }
      return new Payload(buffer, length);
    } catch (DataFormatException e) {
      throw new PushException(400, LokiMessages.PARSE_ERROR_PREFIX + "deflate: " + e.getMessage()
          + " at byte " + inflater.getBytesRead() + " of a " + raw.length + "-byte body", e);
    } finally {
      inflater.end();
    }
  }
}
