package dev.tonari.cli.generate;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates realistic, deterministic log traffic for a few teams: each team (tenant) runs apps in
 * several envs on several pods, and each app writes in one style (logfmt, JSON with nested
 * objects, nginx access lines, Java text with stack traces, node syslog). The same seed and
 * options always give the same lines, so benchmarks and tests are repeatable.
 *
 * <p>Lines are as hard as real ones: about 280 bytes on average, and every line carries
 * high-entropy values (a random 128-bit trace id, UUIDs, client addresses, user ids, durations),
 * so that neither compression nor an index can lean on short counters (see {@link LineStyles}).
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

  private final SplittableRandom random;
  private final RandomValues values;
  private final LineStyles styles;
  private final List<GeneratedStream> streams;
  /** The app of each stream, by the stream's index in {@link #streams}. */
  private final List<AppSpec> appSpecsByStream = new ArrayList<>();
  /** The node name a syslog stream's lines carry, by the stream's index. */
  private final List<String> hostsByStream = new ArrayList<>();
  private final double[] cumulativeWeights;
  private final double burstStartProbability;
  private final ArrayDeque<String> pendingStackFrames = new ArrayDeque<>();
  private GeneratedStream pendingStream;
  private int burstStreamIndex;
  private int burstRemaining;

  /** A stream the generator writes to, with the style its app uses. */
  public record GeneratedStream(String tenant, Labels labels, String app, LogStyle style) {}

  public LogGenerator(long seed, GeneratorOptions options) {
    this.random = new SplittableRandom(seed);
    this.values = new RandomValues(random);
    this.styles = new LineStyles(values);
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
            hostsByStream.add(app.style() == LogStyle.SYSLOG ? randomHost() : "");
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

  /** The 128-bit trace id (32 hex digits) of the line {@link #nextLine} returned last, or null. */
  public String lastTraceId() {
    return values.lastTraceId();
  }

  /** The (last) UUID of the line {@link #nextLine} returned last, or null if it had none. */
  public String lastUuid() {
    return values.lastUuid();
  }

  /** The (last) client address of the line {@link #nextLine} returned last, or null. */
  public String lastClientIp() {
    return values.lastClientIp();
  }

  /** The next line, stamped with the given time. */
  public GeneratedLine nextLine(long timestampNanos) {
    values.startLine();
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
    values.updateTimeText(timestampNanos);
    String line =
        switch (stream.style()) {
          case LOGFMT -> styles.logfmt(app, timestampNanos, error, rare());
          case JSON -> styles.json(app, stream.app(), timestampNanos, error, rare());
          case NGINX_ACCESS -> styles.access(app, error);
          case JAVA_TEXT -> {
            String head = styles.javaText(app, timestampNanos, error, rare(), pendingStackFrames);
            if (!pendingStackFrames.isEmpty()) {
              pendingStream = stream;
            }
            yield head;
          }
          case SYSLOG -> styles.syslog(hostsByStream.get(index), error);
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

  private boolean rare() {
    return random.nextDouble() < RARE_WORD_RATE;
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

  private String randomPodChars(int count) {
    char[] chars = new char[count];
    for (int i = 0; i < count; i++) {
      chars[i] = POD_ALPHABET.charAt(random.nextInt(POD_ALPHABET.length()));
    }
    return new String(chars);
  }

  private String randomHost() {
    return values.pick(Vocabulary.HOST_PREFIXES) + "-" + random.nextInt(256) + "-" + (1 + random.nextInt(254)) + ".ec2.internal";
  }
}
