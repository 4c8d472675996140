package dev.tonari.cluster.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The catalog's connection pool and the one place that runs its SQL: a unit of work gets a
 * connection, runs in one transaction (READ COMMITTED; the catalog takes explicit row locks where
 * two writers race), is retried on a serialization failure or deadlock, and every failure to
 * reach PostgreSQL becomes {@link CatalogUnavailableException} naming the URL (never the password)
 * and the operation.
 */
final class CatalogDatabase implements AutoCloseable {
  /** One unit of work on a connection; its result is returned after the commit. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private static final int ATTEMPTS_ON_CONFLICT = 5;

  private final PostgresSettings settings;
  private final HikariDataSource dataSource;
  private volatile boolean closed;

  private CatalogDatabase(PostgresSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  /** Opens the pool (one connection must be reachable within the connect timeout) and migrates the schema. */
  static CatalogDatabase open(PostgresSettings settings, Map<String, String> environment) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tonari-catalog");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password().resolve(environment));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(settings.connectTimeout().toMillis());
    config.setValidationTimeout(Math.max(250, settings.connectTimeout().toMillis() / 2));
    config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
    config.setSchema(settings.schema());
    config.setAutoCommit(true);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    // The driver's own bounds, so that a dead server cannot hold a caller longer than the pool's.
    long seconds = Math.max(1, settings.connectTimeout().toSeconds());
    config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "tonari-catalog");
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw new CatalogUnavailableException("catalog " + settings.safeUrl() + " (user " + settings.user() + ") is unavailable at open: " + rootMessage(e), e);
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .schemas(settings.schema())
          .defaultSchema(settings.schema())
          .locations("classpath:db/migration")
          .connectRetries(0)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw new CatalogUnavailableException("catalog " + settings.safeUrl() + ": migrating schema " + settings.schema() + " failed: " + rootMessage(e), e);
    }
    return new CatalogDatabase(settings, dataSource);
  }

  /** Runs {@code work} in one transaction. */
  <T> T inTransaction(String operation, Work<T> work) {
    return run(operation, true, work);
  }

  /** Runs {@code work} (one statement, or reads that need no common snapshot) with autocommit. */
  <T> T autocommit(String operation, Work<T> work) {
    return run(operation, false, work);
  }

  private <T> T run(String operation, boolean transaction, Work<T> work) {
    if (closed) {
      throw new IllegalStateException("catalog " + settings.safeUrl() + " is closed (" + operation + ")");
    }
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        if (!transaction) {
          return work.run(connection);
        }
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(connection, e);
          throw e;
        } finally {
          restoreAutocommit(connection);
        }
      } catch (SQLException e) {
        if (isConflict(e) && attempt < ATTEMPTS_ON_CONFLICT) {
          continue;
        }
        throw unavailable(operation, e);
      }
    }
  }

  CatalogUnavailableException unavailable(String operation, SQLException e) {
    String what = isConnectionFailure(e) ? "is unavailable" : "failed";
    return new CatalogUnavailableException(
        "catalog " + settings.safeUrl() + " " + what + " during " + operation + " (SQLState " + e.getSQLState() + "): " + rootMessage(e), e);
  }

  /** Serialization failure or deadlock: the transaction was rolled back and may simply be run again. */
  private static boolean isConflict(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  /**
   * A failure to reach the database: the pool timed out, the connection broke (class 08), or the
   * server is shutting down, starting or refusing connections (57P01-57P03).
   */
  static boolean isConnectionFailure(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      // The connection is likely broken; the pool discards it. The original failure is the one to report.
      cause.addSuppressed(rollbackFailure);
    }
  }

  private static void restoreAutocommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // A broken connection: Hikari evicts it on return.
    }
  }

  private static String rootMessage(Throwable e) {
    StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    for (int depth = 0; cause != null && cause != e && depth < 4; depth++, cause = cause.getCause()) {
      if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
        message.append(": ").append(cause.getMessage());
      }
    }
    return message.toString();
  }

  @Override
  public void close() {
    closed = true;
    dataSource.close();
  }
}
