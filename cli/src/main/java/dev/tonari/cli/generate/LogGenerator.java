package dev.tonari.cli.generate;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates realistic, deterministic log traffic for a few teams: each team (tenant) runs apps in
 * several envs on several pods, and each app writes in one style (logfmt, JSON, nginx access
 * lines, Java text with stack traces). The same seed and options always give the same lines, so
 * benchmarks and tests are repeatable.
 *
 * <p>Traffic is skewed as in real clusters (prod is busier than staging, some apps are chattier),
 * and occasionally one pod has an error burst: for a while it emits a large share of all lines,
 * mostly errors. Every line is a single line (no newline characters); Java stack traces arrive
 * as consecutive entries of the same stream, as an agent without multi-line joining sends them.
 *
 * <p>A small fraction of lines ({@link #RARE_WORD_RATE}) contains {@link #RARE_WORD}, spread over
 * all streams and all of time, so that a {@code |= "deadlock"} query has to look at nearly every
 * block and returns few lines. Not thread-safe.
 */
public final class LogGenerator {
  /** A word present in few lines but in nearly every block of data. */
  public static final String RARE_WORD = "deadlock";

  /** Fraction of lines (of the styles that can carry it) that contain {@link #RARE_WORD}. */
  public static final double RARE_WORD_RATE = 0.001;

  private static final String POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  private final SplittableRandom random;
  private final List<GeneratedStream> streams;
  /** The app of each stream, by the stream's index in {@link #streams}. */
  private final List<AppSpec> appSpecsByStream = new ArrayList<>();
  private final double[] cumulativeWeights;
  private final double burstStartProbability;
  private final ArrayDeque<String> pendingStackFrames = new ArrayDeque<>();
  private GeneratedStream pendingStream;
  private int burstStreamIndex;
  private int burstRemaining;
  private long cachedSecond = Long.MIN_VALUE;
  private String isoSecond;
  private String javaSecond;
  private String nginxSecond;

  /** A stream the generator writes to, with the style its app uses. */
  public record GeneratedStream(String tenant, Labels labels, String app, LogStyle style) {}

  private record AppSpec(String name, LogStyle style, String javaPackage, String[] paths, String[] infoMessages) {}

  public LogGenerator(long seed, GeneratorOptions options) {
    this.random = new SplittableRandom(seed);
    List<GeneratedStream> built = new ArrayList<>(options.streamCount());
    List<Double> weights = new ArrayList<>(options.streamCount());
    for (String tenant : options.tenants()) {
      List<AppSpec> apps = Vocabulary.appsOf(tenant);
      for (int a = 0; a < options.appsPerTenant(); a++) {
        AppSpec app = apps.get(a % apps.size());
        String appName = a < apps.size() ? app.name() : app.name() + "-" + (a / apps.size() + 1);
        double appWeight = 1 + random.nextInt(10);
        for (int e = 0; e < options.envs().size(); e++) {
          String env = options.envs().get(e);
          double envWeight = e == 0 ? 4 : 1;
          String replicaSetHash = randomPodChars(9 + random.nextInt(2));
          for (int p = 0; p < options.podsPerApp(); p++) {
            String pod = appName + "-" + replicaSetHash + "-" + randomPodChars(5);
            Labels labels = Labels.of("namespace", tenant, "app", appName, "env", env, "pod", pod, "job", tenant + "/" + appName);
            built.add(new GeneratedStream(tenant, labels, appName, app.style()));
            weights.add(appWeight * envWeight);
            appSpecsByStream.add(app);
          }
        }
      }
    }
    this.streams = Collections.unmodifiableList(built);
    this.cumulativeWeights = new double[weights.size()];
    double sum = 0;
    for (int i = 0; i < weights.size(); i++) {
      sum += weights.get(i);
      cumulativeWeights[i] = sum;
    }
    this.burstStartProbability = options.errorBurstsPerMillion() / 1_000_000.0;
  }

  /** All streams this generator can write to, in a fixed order. */
  public List<GeneratedStream> streams() {
    return streams;
  }

  /** The next line, stamped with the given time. */
  public GeneratedLine nextLine(long timestampNanos) {
    if (pendingStream != null) {
      String frame = pendingStackFrames.poll();
      GeneratedStream stream = pendingStream;
      if (pendingStackFrames.isEmpty()) {
        pendingStream = null;
      }
      return new GeneratedLine(stream.tenant(), stream.labels(), new LogEntry(timestampNanos, frame));
    }
    if (burstRemaining == 0 && burstStartProbability > 0 && random.nextDouble() < burstStartProbability) {
      burstStreamIndex = random.nextInt(streams.size());
      burstRemaining = 200 + random.nextInt(1800);
    }
    int index;
    boolean error;
    if (burstRemaining > 0) {
      burstRemaining--;
      if (random.nextDouble() < 0.3) {
        index = burstStreamIndex;
        error = random.nextDouble() < 0.8;
      } else {
        index = pickStream();
        error = random.nextDouble() < 0.01;
      }
    } else {
      index = pickStream();
      error = random.nextDouble() < 0.01;
    }
    GeneratedStream stream = streams.get(index);
    AppSpec app = appSpecsByStream.get(index);
    updateTimeText(timestampNanos);
    String line =
        switch (stream.style()) {
          case LOGFMT -> logfmt(app, timestampNanos, error);
          case JSON -> json(app, stream, timestampNanos, error);
          case NGINX_ACCESS -> nginx(app, error);
          case JAVA_TEXT -> javaText(app, stream, timestampNanos, error);
        };
    return new GeneratedLine(stream.tenant(), stream.labels(), new LogEntry(timestampNanos, line));
  }

  /**
   * The next {@code entries} lines, the i-th stamped {@code startNanos + i * stepNanos}, grouped
   * by tenant (in order of first appearance) and, within a tenant, by stream (in order of first
   * appearance); within a stream, entries keep their arrival order.
   */
  public Map<String, List<StreamBatch>> nextByTenant(int entries, long startNanos, long stepNanos) {
    Map<String, Map<Labels, List<LogEntry>>> grouped = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      GeneratedLine line = nextLine(startNanos + i * stepNanos);
      grouped.computeIfAbsent(line.tenant(), t -> new LinkedHashMap<>()).computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
    }
    Map<String, List<StreamBatch>> result = new LinkedHashMap<>();
    grouped.forEach(
        (tenant, byStream) -> {
          List<StreamBatch> batches = new ArrayList<>(byStream.size());
          byStream.forEach((labels, list) -> batches.add(new StreamBatch(labels, list)));
          result.put(tenant, batches);
        });
    return result;
  }

  private int pickStream() {
    double target = random.nextDouble() * cumulativeWeights[cumulativeWeights.length - 1];
    int lo = 0;
    int hi = cumulativeWeights.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulativeWeights[mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private String logfmt(AppSpec app, long timestampNanos, boolean error) {
    StringBuilder sb = new StringBuilder(220);
    sb.append("ts=");
    appendIso(sb, timestampNanos);
    boolean rare = random.nextDouble() < RARE_WORD_RATE;
    String level = error || rare ? "error" : warnOrInfo();
    sb.append(" level=").append(level);
    sb.append(" caller=").append(pick(Vocabulary.GO_CALLERS)).append(':').append(20 + random.nextInt(400));
    String message = rare ? "deadlock detected, retrying transaction" : message(app, level);
    sb.append(" msg=\"").append(message).append('"');
    sb.append(" method=").append(method());
    sb.append(" path=").append(path(app));
    sb.append(" status=").append(status(error || rare));
    sb.append(" duration=");
    appendDecimal(sb, durationMillis(error), 1);
    sb.append("ms");
    sb.append(" trace_id=");
    appendHex(sb, 16);
    return sb.toString();
  }

  private String json(AppSpec app, GeneratedStream stream, long timestampNanos, boolean error) {
    StringBuilder sb = new StringBuilder(240);
    boolean rare = random.nextDouble() < RARE_WORD_RATE;
    String level = error || rare ? "error" : warnOrInfo();
    sb.append("{\"ts\":\"");
    appendIso(sb, timestampNanos);
    sb.append("\",\"level\":\"").append(level).append('"');
    sb.append(",\"logger\":\"").append(app.javaPackage()).append('.').append(pick(Vocabulary.COMPONENTS)).append('"');
    String message = rare ? "deadlock detected, retrying transaction" : message(app, level);
    sb.append(",\"msg\":\"").append(message).append('"');
    sb.append(",\"method\":\"").append(method()).append('"');
    sb.append(",\"path\":\"").append(path(app)).append('"');
    sb.append(",\"status\":").append(status(error || rare));
    sb.append(",\"latency_ms\":");
    appendDecimal(sb, durationMillis(error), 2);
    sb.append(",\"user_id\":").append(100_000 + random.nextInt(900_000));
    sb.append(",\"trace_id\":\"");
    appendHex(sb, 16);
    sb.append("\",\"service\":\"").append(stream.app()).append("\"}");
    return sb.toString();
  }

  private String nginx(AppSpec app, boolean error) {
    StringBuilder sb = new StringBuilder(240);
    sb.append("10.").append(random.nextInt(4) + 40).append('.').append(random.nextInt(256)).append('.').append(random.nextInt(256));
    sb.append(" - - [").append(nginxSecond).append(" +0000] \"");
    sb.append(method()).append(' ').append(path(app)).append(" HTTP/1.1\" ");
    int status = status(error);
    sb.append(status).append(' ').append(status >= 500 ? 150 + random.nextInt(50) : 200 + random.nextInt(20_000));
    sb.append(" \"").append(pick(Vocabulary.REFERERS)).append("\" \"").append(pick(Vocabulary.USER_AGENTS)).append("\" ");
    double seconds = durationMillis(error) / 1000.0;
    appendDecimal(sb, seconds, 3);
    sb.append(' ');
    appendDecimal(sb, seconds * 0.93, 3);
    sb.append(' ');
    appendHex(sb, 16);
    return sb.toString();
  }

  private String javaText(AppSpec app, GeneratedStream stream, long timestampNanos, boolean error) {
    StringBuilder sb = new StringBuilder(220);
    sb.append(javaSecond).append('.');
    appendPadded(sb, (int) Math.floorMod(timestampNanos / 1_000_000, 1000L), 3);
    boolean rare = random.nextDouble() < RARE_WORD_RATE;
    String level = error || rare ? "ERROR" : (random.nextDouble() < 0.04 ? "WARN " : "INFO ");
    sb.append(' ').append(level).append(" [").append(pick(Vocabulary.THREADS)).append('-').append(1 + random.nextInt(16)).append("] ");
    String component = pick(Vocabulary.COMPONENTS);
    sb.append(app.javaPackage()).append('.').append(component).append(" : ");
    if (error || rare) {
      String[] exception = rare ? Vocabulary.DEADLOCK_EXCEPTION : pick(Vocabulary.EXCEPTIONS);
      sb.append(pick(Vocabulary.JAVA_ERROR_MESSAGES)).append(" trace=");
      appendHex(sb, 16);
      pendingStackFrames.add(exception[0] + ": " + exception[1]);
      int frames = 3 + random.nextInt(6);
      for (int i = 0; i < frames; i++) {
        String frameClass = app.javaPackage() + "." + pick(Vocabulary.COMPONENTS);
        pendingStackFrames.add("\tat " + frameClass + "." + pick(Vocabulary.JAVA_METHODS) + "(" + frameClass.substring(frameClass.lastIndexOf('.') + 1) + ".java:" + (30 + random.nextInt(600)) + ")");
      }
      pendingStackFrames.add("\tat java.base/java.lang.Thread.run(Thread.java:1583)");
      pendingStream = stream;
    } else {
      sb.append(message(app, level.trim().equals("WARN") ? "warn" : "info"));
      sb.append(" id=").append(1_000_000 + random.nextInt(9_000_000));
      sb.append(" took=").append((int) durationMillis(false)).append("ms trace=");
      appendHex(sb, 16);
    }
    return sb.toString();
  }

  private String warnOrInfo() {
    double r = random.nextDouble();
    return r < 0.04 ? "warn" : (r < 0.10 ? "debug" : "info");
  }

  private String message(AppSpec app, String level) {
    return switch (level) {
      case "error" -> pick(Vocabulary.ERROR_MESSAGES);
      case "warn" -> pick(Vocabulary.WARN_MESSAGES);
      case "debug" -> pick(Vocabulary.DEBUG_MESSAGES);
      default -> pick(app.infoMessages());
    };
  }

  private String method() {
    int r = random.nextInt(100);
    return r < 70 ? "GET" : r < 90 ? "POST" : r < 95 ? "PUT" : r < 98 ? "DELETE" : "PATCH";
  }

  private String path(AppSpec app) {
    String template = pick(app.paths());
    int brace = template.indexOf("{id}");
    if (brace < 0) {
      return template;
    }
    return template.substring(0, brace) + (10_000 + random.nextInt(990_000)) + template.substring(brace + 4);
  }

  private int status(boolean error) {
    if (error) {
      int r = random.nextInt(100);
      return r < 45 ? 503 : r < 70 ? 500 : r < 90 ? 504 : 502;
    }
    int r = random.nextInt(1000);
    if (r < 800) {
      return 200;
    } else if (r < 860) {
      return 201;
    } else if (r < 900) {
      return 204;
    } else if (r < 930) {
      return 304;
    } else if (r < 950) {
      return 404;
    } else if (r < 965) {
      return 400;
    } else if (r < 980) {
      return 401;
    } else if (r < 990) {
      return 403;
    } else {
      return 429;
    }
  }

  /** Log-normal around 12 ms; errors are often timeouts. */
  private double durationMillis(boolean error) {
    if (error && random.nextInt(3) == 0) {
      return 5000 + random.nextInt(25_000);
    }
    double gaussian = random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5;
    return Math.exp(Math.log(12) + gaussian * 1.6);
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private String randomPodChars(int count) {
    char[] chars = new char[count];
    for (int i = 0; i < count; i++) {
      chars[i] = POD_ALPHABET.charAt(random.nextInt(POD_ALPHABET.length()));
    }
    return new String(chars);
  }

  private void appendHex(StringBuilder sb, int bytes) {
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      sb.append(HEX[b >>> 4]).append(HEX[b & 15]);
    }
  }

  private static void appendDecimal(StringBuilder sb, double value, int fractionDigits) {
    long scale = fractionDigits == 1 ? 10 : fractionDigits == 2 ? 100 : 1000;
    long scaled = Math.round(value * scale);
    sb.append(scaled / scale).append('.');
    appendPadded(sb, (int) (scaled % scale), fractionDigits);
  }

  private static void appendPadded(StringBuilder sb, int value, int digits) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < digits; i++) {
      sb.append('0');
    }
    sb.append(text);
  }

  private void appendIso(StringBuilder sb, long timestampNanos) {
    sb.append(isoSecond).append('.');
    appendPadded(sb, (int) Math.floorMod(timestampNanos / 1_000_000, 1000L), 3);
    sb.append('Z');
  }

  /** Formatting a date is costly next to building a line; lines of the same second share it. */
  private void updateTimeText(long timestampNanos) {
    long second = Math.floorDiv(timestampNanos, 1_000_000_000L);
    if (second == cachedSecond) {
      return;
    }
    cachedSecond = second;
    LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    String date = String.format(Locale.ROOT, "%04d-%02d-%02d", time.getYear(), time.getMonthValue(), time.getDayOfMonth());
    String clock = String.format(Locale.ROOT, "%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
    isoSecond = date + "T" + clock;
    javaSecond = date + " " + clock;
    nginxSecond = String.format(Locale.ROOT, "%02d/%s/%04d:%s", time.getDayOfMonth(), MONTHS[time.getMonthValue() - 1], time.getYear(), clock);
  }

  /** Word lists; kept apart so the generator's logic reads on its own. */
  static final class Vocabulary {
    private Vocabulary() {}

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
                new AppSpec("billing-cron", LogStyle.JSON, "com.example.payments.billing", PAYMENT_PATHS, PAYMENT_INFO));
        case "search" ->
            List.of(
                new AppSpec("query-api", LogStyle.JSON, "com.example.search.query", SEARCH_PATHS, SEARCH_INFO),
                new AppSpec("indexer", LogStyle.JAVA_TEXT, "com.example.search.indexer", SEARCH_PATHS, SEARCH_INFO),
                new AppSpec("ranker", LogStyle.LOGFMT, "com.example.search.ranker", SEARCH_PATHS, SEARCH_INFO),
                new AppSpec("search-frontend", LogStyle.NGINX_ACCESS, "com.example.search.frontend", SEARCH_PATHS, SEARCH_INFO),
                new AppSpec("suggest", LogStyle.JSON, "com.example.search.suggest", SEARCH_PATHS, SEARCH_INFO),
                new AppSpec("crawler", LogStyle.LOGFMT, "com.example.search.crawler", SEARCH_PATHS, SEARCH_INFO));
        case "platform" ->
            List.of(
                new AppSpec("ingress-nginx", LogStyle.NGINX_ACCESS, "com.example.platform.ingress", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec("auth-service", LogStyle.LOGFMT, "com.example.platform.auth", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec("config-server", LogStyle.JAVA_TEXT, "com.example.platform.config", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec("scheduler", LogStyle.JSON, "com.example.platform.scheduler", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec("kafka-connect", LogStyle.JAVA_TEXT, "com.example.platform.connect", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec("dns-cache", LogStyle.LOGFMT, "com.example.platform.dns", PLATFORM_PATHS, PLATFORM_INFO));
        default ->
            List.of(
                new AppSpec(tenant + "-api", LogStyle.LOGFMT, "com.example." + sanitize(tenant) + ".api", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec(tenant + "-worker", LogStyle.JAVA_TEXT, "com.example." + sanitize(tenant) + ".worker", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec(tenant + "-events", LogStyle.JSON, "com.example." + sanitize(tenant) + ".events", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec(tenant + "-edge", LogStyle.NGINX_ACCESS, "com.example." + sanitize(tenant) + ".edge", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec(tenant + "-jobs", LogStyle.JSON, "com.example." + sanitize(tenant) + ".jobs", PLATFORM_PATHS, PLATFORM_INFO),
                new AppSpec(tenant + "-cache", LogStyle.LOGFMT, "com.example." + sanitize(tenant) + ".cache", PLATFORM_PATHS, PLATFORM_INFO));
      };
    }

    private static String sanitize(String tenant) {
      return tenant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
  }
}
