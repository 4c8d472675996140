package dev.tonari.cli.generate;

import java.util.List;
import java.util.Locale;

/** Word lists and the apps of each team; kept apart so the generator's logic reads on its own. */
final class Vocabulary {
  private Vocabulary() {}

  static final String[] HOST_PREFIXES = {"ip-10-40", "ip-10-41", "ip-10-42", "ip-10-43"};
  static final String[] NET_DEVICES = {"eth0", "ens5", "cni0", "flannel.1", "veth3f2a1c9"};
  static final String[] SYSTEM_USERS = {"deploy", "ubuntu", "ec2-user", "root", "ci-runner"};
  static final String[] KUBELET_MESSAGES = {
    "\"SyncLoop (PLEG): event for pod\"", "\"Probe succeeded\" probeType=\"Readiness\"", "\"RemoveContainer\"", "\"Killing container with a grace period\" gracePeriod=30"
  };
  static final String[] DISK_DEVICES = {"nvme0n1p1", "nvme1n1", "xvda1", "sdb"};
  static final String[] GO_CALLERS = {"server.go", "handler.go", "middleware.go", "client.go", "repository.go", "cache.go", "worker.go", "consumer.go"};
  static final String[] COMPONENTS = {"OrderService", "PaymentController", "LedgerRepository", "RetryingClient", "KafkaListener", "CacheManager", "AuthFilter", "SchedulerJob", "IndexWriter", "QueryPlanner"};
  static final String[] JAVA_METHODS = {"handle", "process", "execute", "doFilter", "apply", "lambda$submit$0", "invoke", "save", "findById", "call"};
  static final String[] THREADS = {"http-nio-8080-exec", "kafka-consumer", "scheduling", "ForkJoinPool.commonPool-worker", "grpc-default-executor"};
  static final String[] ERROR_MESSAGES = {
    "upstream request failed", "database connection refused", "context deadline exceeded", "circuit breaker open",
    "failed to publish event", "connection reset by peer", "too many open files", "TLS handshake timeout"
  };
  static final String[] WARN_MESSAGES = {"slow request", "retrying upstream call", "rate limit approaching", "cache eviction storm", "connection pool near capacity"};
  static final String[] DEBUG_MESSAGES = {"cache lookup", "span started", "config reloaded", "feature flag evaluated"};
  static final String[] JAVA_ERROR_MESSAGES = {"Request processing failed", "Unexpected error in listener", "Transaction rolled back", "Failed to call downstream service"};
  static final String[][] EXCEPTIONS = {
    {"java.net.SocketTimeoutException", "Read timed out"},
    {"java.sql.SQLTransientConnectionException", "HikariPool-1 - Connection is not available, request timed out after 30000ms"},
    {"java.lang.IllegalStateException", "Circuit breaker 'downstream' is OPEN"},
    {"java.lang.NullPointerException", "Cannot invoke \"String.length()\" because \"value\" is null"},
    {"org.apache.kafka.common.errors.TimeoutException", "Expiring 12 record(s) for orders-3: 120000 ms has passed since batch creation"}
  };
  static final String[] DEADLOCK_EXCEPTION = {"org.postgresql.util.PSQLException", "ERROR: deadlock detected"};
  static final String[] REFERERS = {"-", "-", "https://shop.example.com/", "https://shop.example.com/cart", "https://www.google.com/"};
  static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "kube-probe/1.29", "Go-http-client/1.1", "curl/8.5.0", "okhttp/4.12.0"
  };

  private static final String[] PAYMENT_PATHS = {"/api/v1/payments", "/api/v1/payments/{id}", "/api/v1/payments/{id}/capture", "/api/v1/refunds", "/api/v1/customers/{id}/cards", "/healthz", "/metrics"};
  private static final String[] SEARCH_PATHS = {"/api/v1/search?q=shoes", "/api/v1/search?q=red+dress&page=2", "/api/v1/suggest?prefix=lap", "/api/v1/documents/{id}", "/api/v1/index/{id}", "/healthz", "/metrics"};
  private static final String[] PLATFORM_PATHS = {"/api/v1/tokens", "/api/v1/users/{id}", "/api/v1/config/{id}", "/oauth2/authorize", "/oauth2/token", "/healthz", "/metrics"};
  private static final String[] PAYMENT_INFO = {"request completed", "payment authorized", "payment captured", "refund issued", "card tokenized", "ledger entry posted", "webhook delivered"};
  private static final String[] SEARCH_INFO = {"request completed", "query executed", "index segment merged", "document indexed", "suggestions served", "cache hit", "cache miss"};
  private static final String[] PLATFORM_INFO = {"request completed", "token issued", "user authenticated", "config served", "job scheduled", "lease renewed", "dns record refreshed"};

  static List<AppSpec> appsOf(String tenant) {
    return switch (tenant) {
      case "payments" ->
          List.of(
              new AppSpec("checkout-api", LogStyle.LOGFMT, "com.example.payments.checkout", PAYMENT_PATHS, PAYMENT_INFO),
              new AppSpec("ledger", LogStyle.JAVA_TEXT, "com.example.payments.ledger", PAYMENT_PATHS, PAYMENT_INFO),
              new AppSpec("fraud-scorer", LogStyle.JSON, "com.example.payments.fraud", PAYMENT_PATHS, PAYMENT_INFO),
              new AppSpec("payments-gateway", LogStyle.NGINX_ACCESS, "com.example.payments.gateway", PAYMENT_PATHS, PAYMENT_INFO),
              new AppSpec("refunds-worker", LogStyle.LOGFMT, "com.example.payments.refunds", PAYMENT_PATHS, PAYMENT_INFO),
              new AppSpec("payments-nodes", LogStyle.SYSLOG, "com.example.payments.nodes", PAYMENT_PATHS, PAYMENT_INFO));
      case "search" ->
          List.of(
              new AppSpec("query-api", LogStyle.JSON, "com.example.search.query", SEARCH_PATHS, SEARCH_INFO),
              new AppSpec("indexer", LogStyle.JAVA_TEXT, "com.example.search.indexer", SEARCH_PATHS, SEARCH_INFO),
              new AppSpec("ranker", LogStyle.LOGFMT, "com.example.search.ranker", SEARCH_PATHS, SEARCH_INFO),
              new AppSpec("search-frontend", LogStyle.NGINX_ACCESS, "com.example.search.frontend", SEARCH_PATHS, SEARCH_INFO),
              new AppSpec("suggest", LogStyle.JSON, "com.example.search.suggest", SEARCH_PATHS, SEARCH_INFO),
              new AppSpec("search-nodes", LogStyle.SYSLOG, "com.example.search.nodes", SEARCH_PATHS, SEARCH_INFO));
      case "platform" ->
          List.of(
              new AppSpec("ingress-nginx", LogStyle.NGINX_ACCESS, "com.example.platform.ingress", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec("auth-service", LogStyle.LOGFMT, "com.example.platform.auth", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec("config-server", LogStyle.JAVA_TEXT, "com.example.platform.config", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec("scheduler", LogStyle.JSON, "com.example.platform.scheduler", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec("kafka-connect", LogStyle.JAVA_TEXT, "com.example.platform.connect", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec("platform-nodes", LogStyle.SYSLOG, "com.example.platform.nodes", PLATFORM_PATHS, PLATFORM_INFO));
      default ->
          List.of(
              new AppSpec(tenant + "-api", LogStyle.LOGFMT, "com.example." + sanitize(tenant) + ".api", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec(tenant + "-worker", LogStyle.JAVA_TEXT, "com.example." + sanitize(tenant) + ".worker", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec(tenant + "-events", LogStyle.JSON, "com.example." + sanitize(tenant) + ".events", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec(tenant + "-edge", LogStyle.NGINX_ACCESS, "com.example." + sanitize(tenant) + ".edge", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec(tenant + "-jobs", LogStyle.JSON, "com.example." + sanitize(tenant) + ".jobs", PLATFORM_PATHS, PLATFORM_INFO),
              new AppSpec(tenant + "-nodes", LogStyle.SYSLOG, "com.example." + sanitize(tenant) + ".nodes", PLATFORM_PATHS, PLATFORM_INFO));
    };
  }

  private static String sanitize(String tenant) {
    return tenant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }
}
