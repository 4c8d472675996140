package dev.tonari.cluster.catalog;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The catalog in the heap: the reference the PostgreSQL catalog is checked against, and the fake
 * for tests of the roles. One lock makes every method atomic, as one transaction would.
 */
public final class InMemoryClusterCatalog implements ClusterCatalog {
  private record Deleted(CatalogPart part, long deletedAtMillis) {}

  private record Heartbeat(Member member, long expiresAtMillis) {}

  private final Clock clock;
  private final TreeMap<String, CatalogPart> live = new TreeMap<>();
  private final TreeMap<String, Deleted> deleted = new TreeMap<>();
  private final Map<String, Long> offsets = new HashMap<>();
  private final TreeMap<String, Heartbeat> members = new TreeMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, byte[]> states = new HashMap<>();
  private final Map<String, Long> stateGenerations = new HashMap<>();
  private final Map<String, List<ConfigRevision>> configs = new HashMap<>();
  private long sequence;
  private long revision;

  public InMemoryClusterCatalog() {
    this(Clock.systemUTC());
  }

  public InMemoryClusterCatalog(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized long nextPartSequence() {
    return ++sequence;
  }

  @Override
  public synchronized void commit(List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsetCommits) {
    for (OffsetCommit commit : offsetCommits) {
      long stored = offsets.getOrDefault(commit.topic() + "/" + commit.partition(), -1L);
      if (stored != commit.expectedOffset()) {
        throw new FencedException(
            "partition " + commit.partition() + " of topic " + commit.topic() + " is at offset " + stored + ", not " + commit.expectedOffset()
                + " as member " + commit.memberId() + " expected: another ingester committed it since");
      }
    }
    for (String key : removedKeys) {
      if (!live.containsKey(key)) {
        throw new IllegalStateException("part " + key + " is not live: it cannot be removed");
      }
    }
    for (CatalogPart part : added) {
      if (live.containsKey(part.key()) || deleted.containsKey(part.key())) {
        throw new IllegalStateException("part " + part.key() + " is already registered");
      }
    }
    long now = clock.millis();
    for (String key : removedKeys) {
      deleted.put(key, new Deleted(live.remove(key), now));
    }
    for (CatalogPart part : added) {
      live.put(part.key(), part);
    }
    for (OffsetCommit commit : offsetCommits) {
      offsets.put(commit.topic() + "/" + commit.partition(), commit.nextOffset());
    }
    if (!added.isEmpty() || !removedKeys.isEmpty()) {
      revision++;
    }
  }

  @Override
  public synchronized List<CatalogPart> liveParts() {
    return List.copyOf(live.values());
  }

  @Override
  public synchronized List<CatalogPart> liveParts(String tenant, long fromNanos, long toNanos) {
    List<CatalogPart> parts = new ArrayList<>();
    for (CatalogPart part : live.values()) {
      if (part.tenant().equals(tenant) && part.overlaps(fromNanos, toNanos)) {
        parts.add(part);
      }
    }
    return parts;
  }

  @Override
  public synchronized long partsRevision() {
    return revision;
  }

  @Override
  public synchronized List<String> deletedPartsBefore(long olderThanMillis) {
    List<String> keys = new ArrayList<>();
    deleted.forEach((key, value) -> {
      if (value.deletedAtMillis() < olderThanMillis) {
        keys.add(key);
      }
    });
    return keys;
  }

  @Override
  public synchronized void forgetDeletedParts(List<String> keys) {
    keys.forEach(deleted::remove);
  }

  @Override
  public synchronized Map<Integer, Long> committedOffsets(String topic) {
    Map<Integer, Long> result = new TreeMap<>();
    offsets.forEach((key, value) -> {
      int slash = key.lastIndexOf('/');
      if (key.substring(0, slash).equals(topic)) {
        result.put(Integer.parseInt(key.substring(slash + 1)), value);
      }
    });
    return result;
  }

  @Override
  public synchronized void heartbeat(Member member, Duration ttl) {
    members.put(member.id(), new Heartbeat(member, clock.millis() + ttl.toMillis()));
  }

  @Override
  public synchronized List<Member> liveMembers(String role) {
    long now = clock.millis();
    List<Member> result = new ArrayList<>();
    for (Heartbeat heartbeat : members.values()) {
      if (heartbeat.member().role().equals(role) && heartbeat.expiresAtMillis() > now) {
        result.add(heartbeat.member());
      }
    }
    return result;
  }

  @Override
  public synchronized void leave(String memberId) {
    members.remove(memberId);
  }

  @Override
  public synchronized Optional<Lease> tryAcquire(String name, String holder, Duration ttl) {
    long now = clock.millis();
    Lease current = leases.get(name);
    if (current != null && current.expiresAtMillis() > now && !current.holder().equals(holder)) {
      return Optional.empty();
    }
    long generation = current == null ? 1 : current.holder().equals(holder) && current.expiresAtMillis() > now ? current.generation() : current.generation() + 1;
    Lease lease = new Lease(name, holder, generation, now + ttl.toMillis());
    leases.put(name, lease);
    return Optional.of(lease);
  }

  @Override
  public synchronized void release(String name, String holder) {
    Lease current = leases.get(name);
    if (current != null && current.holder().equals(holder)) {
      // Expire it now but keep the generation, so the next holder's is higher.
      leases.put(name, new Lease(name, holder, current.generation(), clock.millis()));
    }
  }

  @Override
  public synchronized Optional<Lease> lease(String name) {
    Lease current = leases.get(name);
    return current != null && current.expiresAtMillis() > clock.millis() ? Optional.of(current) : Optional.empty();
  }

  @Override
  public synchronized void saveState(String key, byte[] value, long leaseGeneration) {
    long stored = stateGenerations.getOrDefault(key, Long.MIN_VALUE);
    if (stored > leaseGeneration) {
      throw new FencedException("state " + key + " was written by lease generation " + stored + ", newer than " + leaseGeneration);
    }
    states.put(key, value.clone());
    stateGenerations.put(key, leaseGeneration);
  }

  @Override
  public synchronized Optional<byte[]> loadState(String key) {
    byte[] value = states.get(key);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  @Override
  public synchronized long publishConfig(String name, byte[] content) {
    List<ConfigRevision> revisions = configs.computeIfAbsent(name, ignored -> new ArrayList<>());
    if (!revisions.isEmpty() && Arrays.equals(revisions.get(revisions.size() - 1).content(), content)) {
      return revisions.get(revisions.size() - 1).revision();
    }
    ConfigRevision next = new ConfigRevision(name, revisions.size() + 1L, content.clone(), clock.millis());
    revisions.add(next);
    return next.revision();
  }

  @Override
  public synchronized Optional<ConfigRevision> latestConfig(String name) {
    List<ConfigRevision> revisions = configs.get(name);
    return revisions == null || revisions.isEmpty() ? Optional.empty() : Optional.of(revisions.get(revisions.size() - 1));
  }

  @Override
  public void close() {}
}
