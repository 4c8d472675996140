package dev.tonari.ingest.otlp;

import java.util.Random;

/** The byte mutations of {@link OtlpPropertyTest}, shared with the other decoders' fuzz tests. */
public final class OtlpPropertyTestAccess {
  private OtlpPropertyTestAccess() {}

  public static byte[] mutate(Random random, byte[] bytes) {
    return OtlpPropertyTest.mutate(random, bytes);
  }
}
