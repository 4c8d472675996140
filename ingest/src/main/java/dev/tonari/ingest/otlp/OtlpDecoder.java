package dev.tonari.ingest.otlp;

import dev.tonari.ingest.PushException;
import dev.tonari.ingest.PushRequest;
import dev.tonari.ingest.agent.BodyDecompression;
import dev.tonari.ingest.agent.BodyDecompression.Body;
import java.util.Locale;

/**
 * Decodes the body of {@code POST /otlp/v1/logs}: {@code application/x-protobuf} (also {@code
 * application/protobuf}) or {@code application/json} (OTLP/JSON), under {@code Content-Encoding}
 * gzip, zstd, deflate or none, then maps it to streams with {@link OtlpMapper}.
 *
 * <p>Contract: returns a request or throws {@link PushException}: 400 for a body that is not a
 * valid request, 413 over the decompressed limit, 415 for another content type or encoding.
 */
public final class OtlpDecoder {
  private OtlpDecoder() {}

  /** The request's format, chosen by its content type; the error answer uses the same one. */
  public enum Format {
    PROTOBUF, JSON;

    /** The format of a content type, or null if OTLP/HTTP has none for it. */
    public static Format of(String contentType) {
      if (contentType == null) {
        return null;
      }
      int semicolon = contentType.indexOf(';');
      String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
      return switch (media) {
        case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
        case "application/json" -> JSON;
        default -> null;
      };
    }
  }

  public static PushRequest decode(String contentType, String contentEncoding, byte[] body, long maxDecompressedBytes, String limitKey,
      OtlpMapping mapping, long nowNanos) throws PushException {
    return OtlpMapper.map(read(contentType, contentEncoding, body, maxDecompressedBytes, limitKey), mapping, nowNanos);
  }

  /** Decompresses and reads the body without mapping it. */
  public static OtlpLogs read(String contentType, String contentEncoding, byte[] body, long maxDecompressedBytes, String limitKey)
      throws PushException {
    Format format = Format.of(contentType);
    if (format == null) {
      throw new PushException(415, "unsupported content type \"" + contentType
          + "\" for OTLP logs: use application/x-protobuf or application/json");
    }
    Body bytes = BodyDecompression.decompress(contentEncoding, body, maxDecompressedBytes, limitKey);
    return format == Format.PROTOBUF ? OtlpProtobufReader.read(bytes) : OtlpJsonReader.read(bytes);
  }
}
