package dev.tonari.cluster.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks of arguments shared by every catalog, so that each refuses the same calls with the same message. */
final class CatalogArguments {
  private CatalogArguments() {}

  static void checkCommit(List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsets) {
    Set<String> keys = new HashSet<>();
    for (CatalogPart part : added) {
      if (!keys.add(part.key())) {
        throw new IllegalArgumentException("part " + part.key() + " is added twice in one commit");
      }
    }
    Set<String> removed = new HashSet<>();
    for (String key : removedKeys) {
      if (!removed.add(key)) {
        throw new IllegalArgumentException("part " + key + " is removed twice in one commit");
      }
    }
    Set<String> partitions = new HashSet<>();
    for (OffsetCommit commit : offsets) {
      if (!partitions.add(commit.topic() + "/" + commit.partition())) {
        throw new IllegalArgumentException("partition " + commit.partition() + " of topic " + commit.topic() + " is committed twice in one commit");
      }
    }
  }

  /**
   * The offsets in the order every catalog checks them: by topic, then partition. PostgreSQL locks
   * rows in this order so two commits cannot deadlock, and the fake follows it so both report the
   * same partition when more than one is fenced.
   */
  static List<OffsetCommit> inLockOrder(List<OffsetCommit> offsets) {
    List<OffsetCommit> sorted = new ArrayList<>(offsets);
    sorted.sort(Comparator.comparing(OffsetCommit::topic).thenComparingInt(OffsetCommit::partition));
    return sorted;
  }

  static String fencedMessage(OffsetCommit commit, long storedOffset) {
    return "partition " + commit.partition() + " of topic " + commit.topic() + " is at offset " + storedOffset + ", not " + commit.expectedOffset()
        + " as member " + commit.memberId() + " expected: another ingester committed it since";
  }

  static void checkTtl(String what, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + ttl);
    }
  }

  static void checkHolder(String what, String holder) {
    if (holder.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  /** Why a write under lease {@code leaseName} at {@code generation} by {@code holder} is refused; the same words from every catalog. */
  static String leaseLostMessage(String leaseName, String holder, long generation, Optional<Lease> now) {
    return "write under lease " + leaseName + " by " + holder + " at generation " + generation + " refused: "
        + now.map(lease -> "the lease is held by " + lease.holder() + " at generation " + lease.generation()).orElse("the lease has expired or was released");
  }

  static void checkLimit(int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("notification claim limit must be between 1 and 10000, got " + limit);
    }
  }
}
