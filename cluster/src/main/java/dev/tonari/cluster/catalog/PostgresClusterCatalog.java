package dev.tonari.cluster.catalog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The catalog in PostgreSQL: tables created and migrated by Flyway ({@code db/migration}) at
 * open, a HikariCP pool, prepared statements only. Every expiry (members, leases, claims) and every
 * timestamp is the database's {@code now()}, so the processes' clocks never matter. Fencing of
 * offsets takes {@code SELECT ... FOR UPDATE} on the partitions' rows (in topic, partition order, so
 * two commits never deadlock) and checks the expected offsets under the lock: of two committers of
 * one partition exactly one wins. Alert history, the outbox and SLO rollups are in {@link
 * PostgresOperationsTables}.
 */
public final class PostgresClusterCatalog implements ClusterCatalog {
  static final String MILLIS_OF_NOW = "floor(extract(epoch FROM now()) * 1000)::bigint";

  /** Year 10000: beyond any real time, within PostgreSQL's timestamps. */
  private static final long MAX_TIMESTAMP_MILLIS = 253_402_300_800_000L;

  private static final String PART_COLUMNS = "key, tenant, min_timestamp_nanos, max_timestamp_nanos, entries, bytes, partition, first_offset, last_offset";

  private final CatalogDatabase database;
  private final PostgresOperationsTables operations;

  private PostgresClusterCatalog(CatalogDatabase database) {
    this.database = database;
    this.operations = new PostgresOperationsTables(database);
  }

  /** Connects (within the connect timeout) and migrates the schema; {@link CatalogUnavailableException} when the database cannot be reached. */
  public static PostgresClusterCatalog open(PostgresSettings settings) {
    return open(settings, System.getenv());
  }

  /** As {@link #open(PostgresSettings)}, reading a password variable from {@code environment}. */
  public static PostgresClusterCatalog open(PostgresSettings settings, Map<String, String> environment) {
    return new PostgresClusterCatalog(CatalogDatabase.open(settings, environment));
  }

  // ---- parts and offsets ----

  @Override
  public long nextPartSequence() {
    return database.autocommit("nextPartSequence", connection -> {
      try (PreparedStatement statement = connection.prepareStatement("SELECT nextval('part_sequence')");
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    });
  }

  @Override
  public void commit(List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsets) {
    CatalogArguments.checkCommit(added, removedKeys, offsets);
    List<OffsetCommit> sorted = CatalogArguments.inLockOrder(offsets);
    database.inTransaction("commit of " + added.size() + " parts, " + removedKeys.size() + " removals, offsets " + describe(sorted), connection -> {
      for (OffsetCommit commit : sorted) {
        StoredOffset stored = lockPartition(connection, commit);
        if (stored.nextOffset() != commit.expectedOffset()) {
          if (alreadyApplied(connection, added, removedKeys, sorted)) {
            return null;
          }
          throw new FencedException(CatalogArguments.fencedMessage(commit, stored.nextOffset()));
        }
      }
      checkRemovable(connection, removedKeys);
      checkNew(connection, added);
      if (!added.isEmpty() || !removedKeys.isEmpty()) {
        long revision = bumpRevision(connection);
        markDeleted(connection, removedKeys, revision);
        insertParts(connection, added, revision);
      }
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE partition_offsets SET next_offset = ?, owner_member = ?, updated_at = now() WHERE topic = ? AND partition = ?")) {
        for (OffsetCommit commit : sorted) {
          update.setLong(1, commit.nextOffset());
          update.setString(2, commit.memberId());
          update.setString(3, commit.topic());
          update.setInt(4, commit.partition());
          update.addBatch();
        }
        update.executeBatch();
      }
      return null;
    });
  }

  private record StoredOffset(long nextOffset, String owner) {}

  /** Creates the partition's row if it has none (-1: never committed) and locks it for this transaction. */
  private static StoredOffset lockPartition(Connection connection, OffsetCommit commit) throws SQLException {
    // ON CONFLICT DO NOTHING waits for a concurrent creator to commit, then the SELECT sees its offset.
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO partition_offsets (topic, partition, next_offset) VALUES (?, ?, -1) ON CONFLICT (topic, partition) DO NOTHING")) {
      insert.setString(1, commit.topic());
      insert.setInt(2, commit.partition());
      insert.executeUpdate();
    }
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT next_offset, owner_member FROM partition_offsets WHERE topic = ? AND partition = ? FOR UPDATE")) {
      select.setString(1, commit.topic());
      select.setInt(2, commit.partition());
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return new StoredOffset(rows.getLong(1), rows.getString(2));
      }
    }
  }

  /** Whether this very commit was applied before (a retry after an unknown outcome): see {@link ClusterCatalog#commit}. */
  private static boolean alreadyApplied(Connection connection, List<CatalogPart> added, List<String> removedKeys, List<OffsetCommit> offsets)
      throws SQLException {
    for (OffsetCommit commit : offsets) {
      StoredOffset stored = lockPartition(connection, commit);
      if (stored.nextOffset() != commit.nextOffset() || !commit.memberId().equals(stored.owner())) {
        return false;
      }
    }
    Map<String, CatalogPart> live = new HashMap<>();
    for (CatalogPart part : partsByKeys(connection, added.stream().map(CatalogPart::key).toList(), "deleted_at IS NULL")) {
      live.put(part.key(), part);
    }
    for (CatalogPart part : added) {
      if (!part.equals(live.get(part.key()))) {
        return false;
      }
    }
    return partsByKeys(connection, removedKeys, "deleted_at IS NOT NULL").size() == removedKeys.size();
  }

  private static void checkRemovable(Connection connection, List<String> removedKeys) throws SQLException {
    if (removedKeys.isEmpty()) {
      return;
    }
    List<String> live = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT key FROM parts WHERE key = ANY (?) AND deleted_at IS NULL ORDER BY key FOR UPDATE")) {
      select.setArray(1, connection.createArrayOf("text", removedKeys.toArray()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          live.add(rows.getString(1));
        }
      }
    }
    for (String key : removedKeys) {
      if (!live.contains(key)) {
        throw new IllegalStateException("part " + key + " is not live: it cannot be removed");
      }
    }
  }

  private static void checkNew(Connection connection, List<CatalogPart> added) throws SQLException {
    if (added.isEmpty()) {
      return;
    }
    List<String> known = new ArrayList<>();
    for (CatalogPart part : partsByKeys(connection, added.stream().map(CatalogPart::key).toList(), "true")) {
      known.add(part.key());
    }
    for (CatalogPart part : added) {
      if (known.contains(part.key())) {
        throw new IllegalStateException("part " + part.key() + " is already registered");
      }
    }
  }

  private static List<CatalogPart> partsByKeys(Connection connection, List<String> keys, String condition) throws SQLException {
    if (keys.isEmpty()) {
      return List.of();
    }
    // condition is one of this class's constants, never input.
    try (PreparedStatement select = connection.prepareStatement("SELECT " + PART_COLUMNS + " FROM parts WHERE key = ANY (?) AND " + condition)) {
      select.setArray(1, connection.createArrayOf("text", keys.toArray()));
      return readParts(select);
    }
  }

  private static long bumpRevision(Connection connection) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE parts_revision SET revision = revision + 1 RETURNING revision");
        ResultSet rows = update.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void markDeleted(Connection connection, List<String> removedKeys, long revision) throws SQLException {
    if (removedKeys.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE parts SET deleted_at = now(), deleted_revision = ? WHERE key = ANY (?) AND deleted_at IS NULL")) {
      update.setLong(1, revision);
      update.setArray(2, connection.createArrayOf("text", removedKeys.toArray()));
      update.executeUpdate();
    }
  }

  private static void insertParts(Connection connection, List<CatalogPart> added, long revision) throws SQLException {
    if (added.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO parts (" + PART_COLUMNS + ", revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (CatalogPart part : added) {
        insert.setString(1, part.key());
        insert.setString(2, part.tenant());
        insert.setLong(3, part.minTimestampNanos());
        insert.setLong(4, part.maxTimestampNanos());
        insert.setLong(5, part.entries());
        insert.setLong(6, part.bytes());
        insert.setInt(7, part.partition());
        insert.setLong(8, part.firstOffset());
        insert.setLong(9, part.lastOffset());
        insert.setLong(10, revision);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      // A concurrent commit registered one of these keys after checkNew looked.
      if ("23505".equals(e.getSQLState()) || (e.getNextException() != null && "23505".equals(e.getNextException().getSQLState()))) {
        throw new IllegalStateException("a part of " + added.stream().map(CatalogPart::key).toList() + " is already registered (by a concurrent commit)", e);
      }
      throw e;
    }
  }

  private static String describe(List<OffsetCommit> offsets) {
    StringBuilder text = new StringBuilder("[");
    for (OffsetCommit commit : offsets) {
      text.append(text.length() > 1 ? ", " : "").append(commit.topic()).append('/').append(commit.partition())
          .append(' ').append(commit.expectedOffset()).append("->").append(commit.nextOffset()).append(" by ").append(commit.memberId());
    }
    return text.append(']').toString();
  }

  @Override
  public List<CatalogPart> liveParts() {
    return database.autocommit("liveParts", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + PART_COLUMNS + " FROM parts WHERE deleted_at IS NULL ORDER BY key")) {
        select.setFetchSize(0);
        return readParts(select);
      }
    });
  }

  @Override
  public List<CatalogPart> liveParts(String tenant, long fromNanos, long toNanos) {
    return database.autocommit("liveParts of tenant " + tenant, connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + PART_COLUMNS
          + " FROM parts WHERE tenant = ? AND deleted_at IS NULL AND max_timestamp_nanos >= ? AND min_timestamp_nanos < ? ORDER BY key")) {
        select.setString(1, tenant);
        select.setLong(2, fromNanos);
        select.setLong(3, toNanos);
        return readParts(select);
      }
    });
  }

  private static List<CatalogPart> readParts(PreparedStatement select) throws SQLException {
    List<CatalogPart> parts = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        parts.add(new CatalogPart(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4), rows.getLong(5), rows.getLong(6),
            rows.getInt(7), rows.getLong(8), rows.getLong(9)));
      }
    }
    return parts;
  }

  @Override
  public long partsRevision() {
    return database.autocommit("partsRevision", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT revision FROM parts_revision");
          ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    });
  }

  @Override
  public List<String> deletedPartsBefore(long olderThanMillis) {
    return database.autocommit("deletedPartsBefore", connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT key FROM parts WHERE deleted_at IS NOT NULL AND deleted_at < timestamptz 'epoch' + ? * interval '1 millisecond' ORDER BY key")) {
        // Timestamps end in year 294276: clamp so that Long.MAX_VALUE means "all" rather than an overflow.
        select.setLong(1, Math.max(-MAX_TIMESTAMP_MILLIS, Math.min(MAX_TIMESTAMP_MILLIS, olderThanMillis)));
        List<String> keys = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            keys.add(rows.getString(1));
          }
        }
        return keys;
      }
    });
  }

  @Override
  public void forgetDeletedParts(List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    database.autocommit("forgetDeletedParts", connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM parts WHERE key = ANY (?) AND deleted_at IS NOT NULL")) {
        delete.setArray(1, connection.createArrayOf("text", keys.toArray()));
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public Map<Integer, Long> committedOffsets(String topic) {
    return database.autocommit("committedOffsets of topic " + topic, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT partition, next_offset FROM partition_offsets WHERE topic = ? AND next_offset >= 0 ORDER BY partition")) {
        select.setString(1, topic);
        Map<Integer, Long> offsets = new TreeMap<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            offsets.put(rows.getInt(1), rows.getLong(2));
          }
        }
        return offsets;
      }
    });
  }

  // ---- membership ----

  @Override
  public void heartbeat(Member member, Duration ttl) {
    CatalogArguments.checkTtl("heartbeat ttl of member " + member.id(), ttl);
    database.autocommit("heartbeat of member " + member.id(), connection -> {
      try (PreparedStatement upsert = connection.prepareStatement(
          "INSERT INTO members (id, role, address, partitions, caught_up, expires_at) VALUES (?, ?, ?, ?, ?, now() + ? * interval '1 millisecond')"
              + " ON CONFLICT (id) DO UPDATE SET role = excluded.role, address = excluded.address, partitions = excluded.partitions,"
              + " caught_up = excluded.caught_up, expires_at = excluded.expires_at")) {
        upsert.setString(1, member.id());
        upsert.setString(2, member.role());
        upsert.setString(3, member.address());
        upsert.setArray(4, connection.createArrayOf("integer", member.partitions().toArray()));
        upsert.setBoolean(5, member.caughtUp());
        upsert.setLong(6, ttl.toMillis());
        return upsert.executeUpdate();
      }
    });
  }

  @Override
  public List<Member> liveMembers(String role) {
    return database.autocommit("liveMembers of role " + role, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT id, role, address, partitions, caught_up FROM members WHERE role = ? AND expires_at > now() ORDER BY id")) {
        select.setString(1, role);
        List<Member> members = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            Array partitions = rows.getArray(4);
            Integer[] owned = (Integer[]) partitions.getArray();
            partitions.free();
            members.add(new Member(rows.getString(1), rows.getString(2), rows.getString(3), Arrays.asList(owned), rows.getBoolean(5)));
          }
        }
        return members;
      }
    });
  }

  @Override
  public void leave(String memberId) {
    database.autocommit("leave of member " + memberId, connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM members WHERE id = ?")) {
        delete.setString(1, memberId);
        return delete.executeUpdate();
      }
    });
  }

  // ---- leases ----

  @Override
  public Optional<Lease> tryAcquire(String name, String holder, Duration ttl) {
    CatalogArguments.checkHolder("holder of lease " + name, holder);
    CatalogArguments.checkTtl("ttl of lease " + name, ttl);
    return database.inTransaction("tryAcquire of lease " + name + " by " + holder, connection -> {
      // An expired row of generation 0 for a lease never taken: its first holder gets generation 1.
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO leases (name, holder, generation, expires_at) VALUES (?, '', 0, '-infinity') ON CONFLICT (name) DO NOTHING")) {
        insert.setString(1, name);
        insert.executeUpdate();
      }
      String currentHolder;
      long generation;
      boolean live;
      try (PreparedStatement select = connection.prepareStatement("SELECT holder, generation, expires_at > now() FROM leases WHERE name = ? FOR UPDATE")) {
        select.setString(1, name);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          currentHolder = rows.getString(1);
          generation = rows.getLong(2);
          live = rows.getBoolean(3);
        }
      }
      if (live && !currentHolder.equals(holder)) {
        return Optional.<Lease>empty();
      }
      long next = live ? generation : generation + 1;
      try (PreparedStatement update = connection.prepareStatement("UPDATE leases SET holder = ?, generation = ?, expires_at = now() + ? * interval '1 millisecond'"
          + " WHERE name = ? RETURNING floor(extract(epoch FROM expires_at) * 1000)::bigint")) {
        update.setString(1, holder);
        update.setLong(2, next);
        update.setLong(3, ttl.toMillis());
        update.setString(4, name);
        try (ResultSet rows = update.executeQuery()) {
          rows.next();
          return Optional.of(new Lease(name, holder, next, rows.getLong(1)));
        }
      }
    });
  }

  @Override
  public void release(String name, String holder) {
    database.autocommit("release of lease " + name + " by " + holder, connection -> {
      // Expire it now but keep the generation, so the next holder's is higher.
      try (PreparedStatement update = connection.prepareStatement("UPDATE leases SET expires_at = least(expires_at, now()) WHERE name = ? AND holder = ?")) {
        update.setString(1, name);
        update.setString(2, holder);
        return update.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Lease> lease(String name) {
    return database.autocommit("lease " + name, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT holder, generation, floor(extract(epoch FROM expires_at) * 1000)::bigint FROM leases WHERE name = ? AND expires_at > now()")) {
        select.setString(1, name);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(new Lease(name, rows.getString(1), rows.getLong(2), rows.getLong(3))) : Optional.<Lease>empty();
        }
      }
    });
  }

  // ---- ruler state ----

  @Override
  public void saveState(String key, byte[] value, long leaseGeneration) {
    database.inTransaction("saveState of " + key + " at generation " + leaseGeneration, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO state (key, value, generation) VALUES (?, ?, ?)"
          + " ON CONFLICT (key) DO UPDATE SET value = excluded.value, generation = excluded.generation, updated_at = now()"
          + " WHERE state.generation <= excluded.generation")) {
        upsert.setString(1, key);
        upsert.setBytes(2, value);
        upsert.setLong(3, leaseGeneration);
        if (upsert.executeUpdate() == 1) {
          return null;
        }
      }
      try (PreparedStatement select = connection.prepareStatement("SELECT generation FROM state WHERE key = ?")) {
        select.setString(1, key);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          throw new FencedException("state " + key + " was written by lease generation " + rows.getLong(1) + ", newer than " + leaseGeneration);
        }
      }
    });
  }

  @Override
  public List<Long> writeUnderLease(String leaseName, String holder, long generation, Map<String, byte[]> states, List<QueuedNotification> notifications) {
    Map<String, byte[]> sorted = new TreeMap<>(states);
    return database.inTransaction("writeUnderLease " + leaseName + " by " + holder + " at generation " + generation + " (" + sorted.size()
        + " states, " + notifications.size() + " notifications)", connection -> {
      // FOR SHARE conflicts with tryAcquire's FOR UPDATE: no take-over can interleave with this write.
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT holder, generation, expires_at > now(),"
              // A lease never taken expires at -infinity, which has no epoch millis.
              + " CASE WHEN expires_at > now() THEN floor(extract(epoch FROM expires_at) * 1000)::bigint ELSE 0 END FROM leases WHERE name = ? FOR SHARE")) {
        select.setString(1, leaseName);
        try (ResultSet rows = select.executeQuery()) {
          Optional<Lease> now = Optional.empty();
          boolean holds = false;
          if (rows.next()) {
            if (rows.getBoolean(3)) {
              now = Optional.of(new Lease(leaseName, rows.getString(1), rows.getLong(2), rows.getLong(4)));
            }
            holds = now.isPresent() && now.get().holder().equals(holder) && now.get().generation() == generation;
          }
          if (!holds) {
            throw new FencedException(CatalogArguments.leaseLostMessage(leaseName, holder, generation, now));
          }
        }
      }
      if (!sorted.isEmpty()) {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO state (key, value, generation) VALUES (?, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET value = excluded.value, generation = excluded.generation, updated_at = now()")) {
          for (Map.Entry<String, byte[]> entry : sorted.entrySet()) {
            upsert.setString(1, entry.getKey());
            upsert.setBytes(2, entry.getValue());
            upsert.setLong(3, generation);
            upsert.addBatch();
          }
          upsert.executeBatch();
        }
      }
      List<Long> ids = new ArrayList<>(notifications.size());
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notification_outbox (tenant, receiver, payload) VALUES (?, ?, ?) RETURNING id")) {
        for (QueuedNotification notification : notifications) {
          insert.setString(1, notification.tenant());
          insert.setString(2, notification.receiver());
          insert.setBytes(3, notification.payload());
          try (ResultSet rows = insert.executeQuery()) {
            rows.next();
            ids.add(rows.getLong(1));
          }
        }
      }
      return ids;
    });
  }

  @Override
  public Optional<byte[]> loadState(String key) {
    return database.autocommit("loadState of " + key, connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT value FROM state WHERE key = ?")) {
        select.setString(1, key);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    });
  }

  // ---- configuration revisions ----

  @Override
  public long publishConfig(String name, byte[] content) {
    byte[] sha256 = sha256(content);
    return database.inTransaction("publishConfig of " + name, connection -> {
      // Serializes publishers of one name (the first revision has no row to lock yet).
      try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "tonari.config_revisions/" + name);
        lock.execute();
      }
      long latest = 0;
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT revision, sha256, content FROM config_revisions WHERE name = ? ORDER BY revision DESC LIMIT 1")) {
        select.setString(1, name);
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            latest = rows.getLong(1);
            if (Arrays.equals(rows.getBytes(2), sha256) && Arrays.equals(rows.getBytes(3), content)) {
              return latest;
            }
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO config_revisions (name, revision, content, sha256) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, name);
        insert.setLong(2, latest + 1);
        insert.setBytes(3, content);
        insert.setBytes(4, sha256);
        insert.executeUpdate();
      }
      return latest + 1;
    });
  }

  @Override
  public Optional<ConfigRevision> latestConfig(String name) {
    return database.autocommit("latestConfig of " + name, connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT revision, content, floor(extract(epoch FROM published_at) * 1000)::bigint"
          + " FROM config_revisions WHERE name = ? ORDER BY revision DESC LIMIT 1")) {
        select.setString(1, name);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(new ConfigRevision(name, rows.getLong(1), rows.getBytes(2), rows.getLong(3))) : Optional.<ConfigRevision>empty();
        }
      }
    });
  }

  static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  // ---- alert history, outbox, rollups ----

  @Override
  public void appendAlertHistory(String tenant, long atMillis, String json) {
    operations.appendAlertHistory(tenant, atMillis, json);
  }

  @Override
  public List<AlertHistoryEntry> alertHistory(String tenant, long fromMillis, long toMillis) {
    return operations.alertHistory(tenant, fromMillis, toMillis);
  }

  @Override
  public long enqueueNotification(String tenant, String receiver, byte[] payload) {
    return operations.enqueueNotification(tenant, receiver, payload);
  }

  @Override
  public List<Notification> claimNotifications(String worker, int limit, Duration lease) {
    return operations.claimNotifications(worker, limit, lease);
  }

  @Override
  public void markDelivered(long id) {
    operations.markDelivered(id);
  }

  @Override
  public void upsertRollup(String tenant, String slo, String group, long minuteEpoch, long bad, long total) {
    operations.upsertRollup(tenant, slo, group, minuteEpoch, bad, total);
  }

  @Override
  public List<SloRollup> rollups(String tenant, String slo, String group, long fromMinute, long toMinute) {
    return operations.rollups(tenant, slo, group, fromMinute, toMinute);
  }

  /** The database's clock now, epoch millis (what deletedPartsBefore and expiries compare with). */
  public long databaseMillis() {
    return database.autocommit("databaseMillis", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + MILLIS_OF_NOW);
          ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    });
  }

  @Override
  public void close() {
    database.close();
  }
}
