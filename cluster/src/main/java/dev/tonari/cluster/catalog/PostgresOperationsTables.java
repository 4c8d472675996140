package dev.tonari.cluster.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalog's tables for running alerts and SLOs across the cluster: alert history, the outbox
 * of notifications (claimed with {@code FOR UPDATE SKIP LOCKED}, so workers never wait for each
 * other nor get the same row) and SLO rollups. Part of {@link PostgresClusterCatalog}.
 */
final class PostgresOperationsTables {
  private final CatalogDatabase database;

  PostgresOperationsTables(CatalogDatabase database) {
    this.database = database;
  }

  void appendAlertHistory(String tenant, long atMillis, String json) {
    database.autocommit("appendAlertHistory of tenant " + tenant, connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO alert_history (tenant, at_millis, json) VALUES (?, ?, ?)")) {
        insert.setString(1, tenant);
        insert.setLong(2, atMillis);
        insert.setString(3, json);
        return insert.executeUpdate();
      }
    });
  }

  List<AlertHistoryEntry> alertHistory(String tenant, long fromMillis, long toMillis) {
    return database.autocommit("alertHistory of tenant " + tenant, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT at_millis, json FROM alert_history WHERE tenant = ? AND at_millis >= ? AND at_millis < ? ORDER BY at_millis, id")) {
        select.setString(1, tenant);
        select.setLong(2, fromMillis);
        select.setLong(3, toMillis);
        List<AlertHistoryEntry> entries = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            entries.add(new AlertHistoryEntry(tenant, rows.getLong(1), rows.getString(2)));
          }
        }
        return entries;
      }
    });
  }

  long enqueueNotification(String tenant, String receiver, byte[] payload) {
    return database.autocommit("enqueueNotification of tenant " + tenant + " for " + receiver, connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notification_outbox (tenant, receiver, payload) VALUES (?, ?, ?) RETURNING id")) {
        insert.setString(1, tenant);
        insert.setString(2, receiver);
        insert.setBytes(3, payload);
        try (ResultSet rows = insert.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    });
  }

  List<Notification> claimNotifications(String worker, int limit, Duration lease) {
    CatalogArguments.checkHolder("notification worker", worker);
    CatalogArguments.checkLimit(limit);
    CatalogArguments.checkTtl("notification claim lease", lease);
    return database.autocommit("claimNotifications by " + worker, connection -> {
      // One statement: the rows are locked (skipping those another claimer holds), re-checked and updated atomically.
      try (PreparedStatement claim = connection.prepareStatement("UPDATE notification_outbox SET claimed_by = ?, attempts = attempts + 1,"
          + " claim_expires_at = now() + ? * interval '1 millisecond'"
          + " WHERE id IN (SELECT id FROM notification_outbox WHERE delivered_at IS NULL AND (claim_expires_at IS NULL OR claim_expires_at <= now())"
          + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
          + " RETURNING id, tenant, receiver, payload, attempts")) {
        claim.setString(1, worker);
        claim.setLong(2, lease.toMillis());
        claim.setInt(3, limit);
        List<Notification> claimed = new ArrayList<>();
        try (ResultSet rows = claim.executeQuery()) {
          while (rows.next()) {
            claimed.add(new Notification(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getBytes(4), rows.getInt(5)));
          }
        }
        // RETURNING follows no ORDER BY: oldest first, as the contract says.
        claimed.sort((left, right) -> Long.compare(left.id(), right.id()));
        return claimed;
      }
    });
  }

  void markDelivered(long id) {
    int updated = database.autocommit("markDelivered of notification " + id, connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE notification_outbox SET delivered_at = coalesce(delivered_at, now()) WHERE id = ?")) {
        update.setLong(1, id);
        return update.executeUpdate();
      }
    });
    if (updated == 0) {
      throw new IllegalArgumentException("notification " + id + " was never enqueued");
    }
  }

  void upsertRollup(String tenant, String slo, String group, long minuteEpoch, long bad, long total) {
    new SloRollup(tenant, slo, group, minuteEpoch, bad, total); // checks bad <= total with the same message as every catalog
    database.autocommit("upsertRollup of SLO " + slo + " of tenant " + tenant, connection -> {
      try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO slo_rollups (tenant, slo, group_key, minute_epoch, bad, total)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, slo, group_key, minute_epoch)"
          + " DO UPDATE SET bad = excluded.bad, total = excluded.total, updated_at = now()")) {
        upsert.setString(1, tenant);
        upsert.setString(2, slo);
        upsert.setString(3, group);
        upsert.setLong(4, minuteEpoch);
        upsert.setLong(5, bad);
        upsert.setLong(6, total);
        return upsert.executeUpdate();
      }
    });
  }

  List<SloRollup> rollups(String tenant, String slo, String group, long fromMinute, long toMinute) {
    return database.autocommit("rollups of SLO " + slo + " of tenant " + tenant, connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT minute_epoch, bad, total FROM slo_rollups"
          + " WHERE tenant = ? AND slo = ? AND group_key = ? AND minute_epoch >= ? AND minute_epoch < ? ORDER BY minute_epoch")) {
        select.setString(1, tenant);
        select.setString(2, slo);
        select.setString(3, group);
        select.setLong(4, fromMinute);
        select.setLong(5, toMinute);
        return readRollups(select, tenant, slo, group);
      }
    });
  }

  private static List<SloRollup> readRollups(PreparedStatement select, String tenant, String slo, String group) throws SQLException {
    List<SloRollup> rollups = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        rollups.add(new SloRollup(tenant, slo, group, rows.getLong(1), rows.getLong(2), rows.getLong(3)));
      }
    }
    return rollups;
  }
}
