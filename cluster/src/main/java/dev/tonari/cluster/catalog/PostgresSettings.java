package dev.tonari.cluster.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the catalog's PostgreSQL: the JDBC URL ({@code jdbc:postgresql://host:port/db}),
 * user and password, the connection pool's size, how long to wait for a connection (also the
 * bound on how fast an unreachable database is reported as {@link CatalogUnavailableException}),
 * and the schema the catalog's tables live in (created and migrated at open).
 */
public record PostgresSettings(String jdbcUrl, String user, PasswordSource password, int poolSize, Duration connectTimeout, String schema) {
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final String DEFAULT_SCHEMA = "tonari";

  public PostgresSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(schema, "schema");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("catalog JDBC URL must start with jdbc:postgresql:, got " + withoutQuery(jdbcUrl));
    }
    if (jdbcUrl.contains("password=")) {
      throw new IllegalArgumentException("catalog JDBC URL " + withoutQuery(jdbcUrl) + " carries a password: give it as password, password_env or password_file instead");
    }
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException("catalog pool size must be between 1 and 200, got " + poolSize);
    }
    // Hikari refuses less than 250 ms.
    if (connectTimeout.toMillis() < 250 || connectTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("catalog connect timeout must be between 250 ms and 10 minutes, got " + connectTimeout);
    }
    if (!isIdentifier(schema)) {
      throw new IllegalArgumentException("catalog schema must be a lower-case SQL identifier (a-z, 0-9, _; starting with a letter or _; at most 63 characters), got '" + schema + "'");
    }
  }

  public static PostgresSettings of(String jdbcUrl, String user, PasswordSource password) {
    return new PostgresSettings(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SCHEMA);
  }

  public PostgresSettings withSchema(String otherSchema) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize, connectTimeout, otherSchema);
  }

  public PostgresSettings withConnectTimeout(Duration timeout) {
    return new PostgresSettings(jdbcUrl, user, password, poolSize, timeout, schema);
  }

  public PostgresSettings withPoolSize(int size) {
    return new PostgresSettings(jdbcUrl, user, password, size, connectTimeout, schema);
  }

  /** The URL without its query (which may carry options a log should not show), for messages. */
  String safeUrl() {
    return withoutQuery(jdbcUrl);
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  private static boolean isIdentifier(String name) {
    if (name.isEmpty() || name.length() > 63) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || c == '_';
      if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }
}
