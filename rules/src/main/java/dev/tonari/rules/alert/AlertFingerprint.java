package dev.tonari.rules.alert;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of an alert: a 64-bit FNV-1a hash of its labels (sorted by name, each name and
 * value followed by a 0xff byte, which no UTF-8 text contains), as 16 hex digits. The ruler's
 * state, the alert history and the notifier's groups all name an alert by it, so that they agree.
 * Like Prometheus' fingerprint, it depends on the labels only, not on the tenant: callers that mix
 * tenants key by tenant too.
 */
public final class AlertFingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private AlertFingerprint() {}

  public static String of(Map<String, String> labels) {
    long hash = OFFSET;
    for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
      hash = mix(hash, label.getKey());
      hash = mix(hash, label.getValue());
    }
    return String.format("%016x", hash);
  }

  private static long mix(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= PRIME;
    }
    hash ^= 0xff;
    hash *= PRIME;
    return hash;
  }
}
