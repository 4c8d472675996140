package dev.tonari.cluster.catalog;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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

  /** A notification with its claim: {@code claimExpiresAtMillis} is 0 while no worker holds it. */
  private record Outgoing(Notification notification, String claimedBy, long claimExpiresAtMillis, boolean delivered) {}

  private final Clock clock;
  private final TreeMap<String, CatalogPart> live = new TreeMap<>();
  private final TreeMap<String, Deleted> deleted = new TreeMap<>();
  private final Map<String, Long> offsets = new HashMap<>();
  private final Map<String, String> owners = new HashMap<>();
  private final TreeMap<String, Heartbeat> members = new TreeMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, byte[]> states = new HashMap<>();
  private final Map<String, Long> stateGenerations = new HashMap<>();
  private final Map<String, List<ConfigRevision>> configs = new HashMap<>();
  private final List<AlertHistoryEntry> alertHistory = new ArrayList<>();
  private final TreeMap<Long, Outgoing> outbox = new TreeMap<>();
  private final TreeMap<String, SloRollup> rollups = new TreeMap<>();
  private long sequence;
  private long revision;
  private long notificationSequence;

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
    CatalogArguments.checkCommit(added, removedKeys, offsetCommits);
    for (OffsetCommit commit : CatalogArguments.inLockOrder(offsetCommits)) {
      long stored = offsets.getOrDefault(commit.topic() + "/" + commit.partition(), -1L);
      if (stored != commit.expectedOffset()) {
        if (alreadyApplied(added, removedKeys, offsetCommits)) {
          return;
        }
        throw new FencedException(CatalogArguments.fencedMessage(commit, stored));
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
      owners.put(commit.topic() + "/" + commit.partition(), commit.memberId());
    }
    if (!added.isEmpty() || !removedKeys.isEmpty()) {
      revision++;
    }
  }

  /** Whether this very commit was applied before (a retry after an unknown outcome): see {@link ClusterCatalog#commit}. */
  private boolean alreadyApplied(List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsetCommits) {
    for (OffsetCommit commit : offsetCommits) {
      String partition = commit.topic() + "/" + commit.partition();
      if (offsets.getOrDefault(partition, -1L) != commit.nextOffset() || !commit.memberId().equals(owners.get(partition))) {
        return false;
      }
    }
    for (CatalogPart part : added) {
      if (!part.equals(live.get(part.key()))) {
        return false;
      }
    }
    for (String key : removedKeys) {
      if (!deleted.containsKey(key)) {
        return false;
      }
    }
    return true;
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
    CatalogArguments.checkTtl("heartbeat ttl of member " + member.id(), ttl);
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
    CatalogArguments.checkHolder("holder of lease " + name, holder);
    CatalogArguments.checkTtl("ttl of lease " + name, ttl);
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
  public synchronized List<Long> writeUnderLease(String leaseName, String holder, long generation, Map<String, byte[]> newStates,
      List<QueuedNotification> notifications) {
    Optional<Lease> current = lease(leaseName);
    if (current.isEmpty() || !current.get().holder().equals(holder) || current.get().generation() != generation) {
      throw new FencedException(CatalogArguments.leaseLostMessage(leaseName, holder, generation, current));
    }
    new TreeMap<>(newStates).forEach((key, value) -> {
      states.put(key, value.clone());
      stateGenerations.put(key, generation);
    });
    List<Long> ids = new ArrayList<>(notifications.size());
    for (QueuedNotification notification : notifications) {
      ids.add(enqueueNotification(notification.tenant(), notification.receiver(), notification.payload()));
    }
    return ids;
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
  public synchronized void appendAlertHistory(String tenant, long atMillis, String json) {
    alertHistory.add(new AlertHistoryEntry(tenant, atMillis, json));
  }

  @Override
  public synchronized List<AlertHistoryEntry> alertHistory(String tenant, long fromMillis, long toMillis) {
    List<AlertHistoryEntry> entries = new ArrayList<>();
    for (AlertHistoryEntry entry : alertHistory) {
      if (entry.tenant().equals(tenant) && entry.atMillis() >= fromMillis && entry.atMillis() < toMillis) {
        entries.add(entry);
      }
    }
    // A stable sort: entries of the same time stay in append order.
    entries.sort(Comparator.comparingLong(AlertHistoryEntry::atMillis));
    return entries;
  }

  @Override
  public synchronized long enqueueNotification(String tenant, String receiver, byte[] payload) {
    long id = ++notificationSequence;
    outbox.put(id, new Outgoing(new Notification(id, tenant, receiver, payload.clone(), 0), null, 0, false));
    return id;
  }

  @Override
  public synchronized List<Notification> claimNotifications(String worker, int limit, Duration lease) {
    CatalogArguments.checkHolder("notification worker", worker);
    CatalogArguments.checkLimit(limit);
    CatalogArguments.checkTtl("notification claim lease", lease);
    long now = clock.millis();
    List<Notification> claimed = new ArrayList<>();
    for (Map.Entry<Long, Outgoing> entry : outbox.entrySet()) {
      if (claimed.size() == limit) {
        break;
      }
      Outgoing outgoing = entry.getValue();
      if (outgoing.delivered() || (outgoing.claimedBy() != null && outgoing.claimExpiresAtMillis() > now)) {
        continue;
      }
      Notification before = outgoing.notification();
      Notification notification = new Notification(before.id(), before.tenant(), before.receiver(), before.payload(), before.attempts() + 1);
      entry.setValue(new Outgoing(notification, worker, now + lease.toMillis(), false));
      claimed.add(new Notification(notification.id(), notification.tenant(), notification.receiver(), notification.payload().clone(), notification.attempts()));
    }
    return claimed;
  }

  @Override
  public synchronized void markDelivered(long id) {
    Outgoing outgoing = outbox.get(id);
    if (outgoing == null) {
      throw new IllegalArgumentException("notification " + id + " was never enqueued");
    }
    outbox.put(id, new Outgoing(outgoing.notification(), outgoing.claimedBy(), outgoing.claimExpiresAtMillis(), true));
  }

  @Override
  public synchronized void upsertRollup(String tenant, String slo, String group, long minuteEpoch, long bad, long total) {
    SloRollup rollup = new SloRollup(tenant, slo, group, minuteEpoch, bad, total);
    rollups.put(rollupKey(tenant, slo, group, minuteEpoch), rollup);
  }

  @Override
  public synchronized List<SloRollup> rollups(String tenant, String slo, String group, long fromMinute, long toMinute) {
    List<SloRollup> result = new ArrayList<>();
    for (SloRollup rollup : rollups.values()) {
      if (rollup.tenant().equals(tenant) && rollup.slo().equals(slo) && rollup.group().equals(group)
          && rollup.minuteEpoch() >= fromMinute && rollup.minuteEpoch() < toMinute) {
        result.add(rollup);
      }
    }
    result.sort(Comparator.comparingLong(SloRollup::minuteEpoch));
    return result;
  }

  private static String rollupKey(String tenant, String slo, String group, long minuteEpoch) {
    // Lengths first, so that no tenant, SLO or group name can make two keys equal.
    return tenant.length() + ":" + tenant + slo.length() + ":" + slo + group.length() + ":" + group + "@" + minuteEpoch;
  }

  @Override
  public void close() {}
}
