package dev.tonari.sso;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bounded in-memory map from a secret (a cookie value) to a value that expires, keyed by the
 * secret's digest. Full means refusing new entries after expired ones are swept, never evicting a
 * live one: evicting would let anyone who can start logins sign other people out.
 */
final class ExpiringStore<V> {
  private final Map<String, V> entries = new ConcurrentHashMap<>();
  private final Function<V, Instant> expiry;
  private final int capacity;
  private final Clock clock;

  ExpiringStore(Function<V, Instant> expiry, int capacity, Clock clock) {
    this.expiry = expiry;
    this.capacity = capacity;
    this.clock = clock;
  }

  /** Stores under the secret; false when the store is full of live entries. */
  boolean put(String secret, V value) {
    if (entries.size() >= capacity) {
      sweep();
      if (entries.size() >= capacity) {
        return false;
      }
    }
    entries.put(Secrets.digest(secret), value);
    return true;
  }

  /** The live value of a secret; an expired one is removed and not returned. */
  Optional<V> get(String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    String key = Secrets.digest(secret);
    V value = entries.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(expiry.apply(value))) {
      entries.remove(key, value);
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /** Removes and returns the live value: for one-time values such as a login in progress. */
  Optional<V> take(String secret) {
    Optional<V> value = get(secret);
    value.ifPresent(v -> entries.remove(Secrets.digest(secret), v));
    return value;
  }

  void remove(String secret) {
    if (secret != null && !secret.isEmpty()) {
      entries.remove(Secrets.digest(secret));
    }
  }

  int size() {
    return entries.size();
  }

  private void sweep() {
    Instant now = clock.instant();
    for (Iterator<V> values = entries.values().iterator(); values.hasNext(); ) {
      if (!now.isBefore(expiry.apply(values.next()))) {
        values.remove();
      }
    }
  }
}
