package dev.tonari.cli.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LogGeneratorTest {
  private static final long START = 1_714_566_896_000_000_000L;

  @Test
  void sameSeedGivesSameLines() {
    LogGenerator first = new LogGenerator(42, GeneratorOptions.defaults());
    LogGenerator second = new LogGenerator(42, GeneratorOptions.defaults());
    for (int i = 0; i < 5_000; i++) {
      assertThat(second.nextLine(START + i * 1_000_000L)).isEqualTo(first.nextLine(START + i * 1_000_000L));
    }
  }

  @Test
  void differentSeedsGiveDifferentLines() {
    List<String> first = lines(new LogGenerator(1, GeneratorOptions.defaults()), 100);
    List<String> second = lines(new LogGenerator(2, GeneratorOptions.defaults()), 100);
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void everyStyleAndTenantAppears() {
    LogGenerator generator = new LogGenerator(7, GeneratorOptions.benchmark());
    Set<LogStyle> styles = EnumSet.noneOf(LogStyle.class);
    Map<Labels, LogStyle> styleByStream = new HashMap<>();
    generator.streams().forEach(s -> styleByStream.put(s.labels(), s.style()));
    Set<String> tenants = new HashSet<>();
    boolean sawJsonError = false;
    boolean sawStackFrame = false;
    boolean sawLogfmt = false;
    boolean sawNginx = false;
    boolean sawSyslog = false;
    for (int i = 0; i < 20_000; i++) {
      GeneratedLine line = generator.nextLine(START + i * 1_000_000L);
      tenants.add(line.tenant());
      LogStyle style = styleByStream.get(line.labels());
      styles.add(style);
      String text = line.entry().line();
      switch (style) {
        case JSON -> {
          assertThat(text).startsWith("{\"ts\":\"2024-05-01T").endsWith("}");
          sawJsonError |= text.contains("\"level\":\"error\"");
        }
        case LOGFMT -> {
          assertThat(text).startsWith("ts=2024-05-01T").contains(" level=", " msg=\"", " status=", " duration=", " trace_id=");
          sawLogfmt = true;
        }
        case NGINX_ACCESS -> {
          assertThat(text).matches("10\\.\\d+\\.\\d+\\.\\d+ - - \\[01/May/2024:\\d\\d:\\d\\d:\\d\\d \\+0000\\] \"[A-Z]+ /\\S* HTTP/1\\.1\" \\d{3} .*");
          sawNginx = true;
        }
        case JAVA_TEXT -> sawStackFrame |= text.startsWith("\tat ");
        case SYSLOG -> {
          assertThat(text).matches("May  1 \\d\\d:\\d\\d:\\d\\d ip-10-4\\d-\\d+-\\d+\\.ec2\\.internal (kernel|sshd|systemd|containerd|kubelet)[\\[:].*");
          sawSyslog = true;
        }
      }
      assertThat(text).doesNotContain("\n");
    }
    assertThat(styles).containsExactlyInAnyOrder(LogStyle.values());
    assertThat(tenants).containsExactlyInAnyOrder("payments", "search", "platform");
    assertThat(sawJsonError).isTrue();
    assertThat(sawStackFrame).isTrue();
    assertThat(sawLogfmt).isTrue();
    assertThat(sawNginx).isTrue();
    assertThat(sawSyslog).isTrue();
  }

  @Test
  void linesAreLongAndCarryHighEntropyIds() {
    LogGenerator generator = new LogGenerator(13, GeneratorOptions.benchmark());
    assertThat(generator.streams()).hasSizeBetween(500, 600);
    long bytes = 0;
    int lines = 50_000;
    Set<String> traceIds = new HashSet<>();
    int headLinesWithoutTrace = 0;
    for (int i = 0; i < lines; i++) {
      String text = generator.nextLine(START + i * 1_000_000L).entry().line();
      bytes += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      String traceId = generator.lastTraceId();
      if (traceId != null) {
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(text).contains(traceId);
        traceIds.add(traceId);
      }
      if (generator.lastUuid() != null) {
        assertThat(generator.lastUuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(text).contains(generator.lastUuid());
      }
      boolean stackFrame = text.startsWith("\tat ") || text.matches("^[a-z.]+\\.[A-Za-z]+(Exception|Error): .*");
      if (!stackFrame && traceId == null && generator.lastUuid() == null && generator.lastClientIp() == null) {
        headLinesWithoutTrace++;
      }
    }
    // Every line but stack-frame continuations has a trace id, a UUID or a client address, and ids do not repeat.
    assertThat(headLinesWithoutTrace).isZero();
    assertThat(traceIds.size()).isGreaterThan(lines / 2);
    assertThat(bytes / lines).isBetween(240L, 330L);
  }

  @Test
  void labelsFollowKubernetesNaming() {
    LogGenerator generator = new LogGenerator(3, GeneratorOptions.defaults());
    assertThat(generator.streams()).hasSize(GeneratorOptions.defaults().streamCount());
    for (LogGenerator.GeneratedStream stream : generator.streams()) {
      Labels labels = stream.labels();
      assertThat(labels.names()).containsExactly("app", "env", "job", "namespace", "pod");
      assertThat(labels.get("namespace")).isEqualTo(stream.tenant());
      assertThat(labels.get("pod")).matches(labels.get("app") + "-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(labels.get("env")).isIn("prod", "staging");
    }
  }

  @Property(tries = 20)
  void labelCardinalityIsBoundedByOptions(
      @ForAll @IntRange(min = 1, max = 6) int apps, @ForAll @IntRange(min = 1, max = 5) int pods, @ForAll @IntRange(min = 1, max = 3000) int lines) {
    GeneratorOptions options = new GeneratorOptions(List.of("payments", "team-x"), apps, List.of("prod", "staging"), pods, 1000);
    LogGenerator generator = new LogGenerator(lines, options);
    Set<Labels> seen = new HashSet<>();
    for (int i = 0; i < lines; i++) {
      seen.add(generator.nextLine(START + i).labels());
    }
    assertThat(seen.size()).isLessThanOrEqualTo(options.streamCount());
    assertThat(new HashSet<>(generator.streams()).size()).isEqualTo(options.streamCount());
  }

  @Test
  void errorBurstsConcentrateErrorsOnOnePod() {
    GeneratorOptions options = new GeneratorOptions(List.of("payments", "search", "platform"), 4, List.of("prod", "staging"), 3, 2_000);
    LogGenerator generator = new LogGenerator(11, options);
    // An error burst sends about 30% of lines, mostly errors, to one pod for a while: find a window
    // of 1000 lines where a single stream holds far more than its usual share (1/72) of errors.
    boolean sawBurst = false;
    for (int window = 0; window < 50 && !sawBurst; window++) {
      Map<Labels, Integer> errorsByStream = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        GeneratedLine line = generator.nextLine(START + (window * 1000L + i) * 1_000_000L);
        String text = line.entry().line();
        if (text.contains("level=error") || text.contains("\"level\":\"error\"") || text.contains(" ERROR ") || text.contains("\" 50")) {
          errorsByStream.merge(line.labels(), 1, Integer::sum);
        }
      }
      sawBurst = errorsByStream.values().stream().anyMatch(count -> count > 100);
    }
    assertThat(sawBurst).isTrue();
  }

  @Test
  void rareWordIsRareButPresent() {
    LogGenerator generator = new LogGenerator(5, GeneratorOptions.benchmark());
    int withWord = 0;
    int total = 200_000;
    for (int i = 0; i < total; i++) {
      if (generator.nextLine(START + i * 1000L).entry().line().contains(LogGenerator.RARE_WORD)) {
        withWord++;
      }
    }
    assertThat(withWord).isBetween(20, 1000);
  }

  @Test
  void nextByTenantGroupsByTenantAndStreamKeepingOrderAndTimestamps() {
    LogGenerator grouped = new LogGenerator(9, GeneratorOptions.defaults());
    LogGenerator flat = new LogGenerator(9, GeneratorOptions.defaults());
    Map<String, List<StreamBatch>> byTenant = grouped.nextByTenant(3000, START, 1000);
    Map<String, Map<Labels, List<LogEntry>>> expected = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      GeneratedLine line = flat.nextLine(START + i * 1000L);
      expected.computeIfAbsent(line.tenant(), t -> new HashMap<>()).computeIfAbsent(line.labels(), l -> new ArrayList<>()).add(line.entry());
    }
    assertThat(byTenant.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    int count = 0;
    for (Map.Entry<String, List<StreamBatch>> tenant : byTenant.entrySet()) {
      for (StreamBatch batch : tenant.getValue()) {
        assertThat(batch.entries()).isEqualTo(expected.get(tenant.getKey()).get(batch.labels()));
        count += batch.entries().size();
      }
    }
    assertThat(count).isEqualTo(3000);
  }

  @Test
  void rejectsOptionsOutOfRange() {
    assertThatThrownBy(() -> new GeneratorOptions(List.of(), 1, List.of("prod"), 1, 0)).hasMessageContaining("at least one tenant");
    assertThatThrownBy(() -> new GeneratorOptions(List.of("a"), 7, List.of("prod"), 1, 0)).hasMessageContaining("appsPerTenant");
  }

  private static List<String> lines(LogGenerator generator, int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(generator.nextLine(START + i).entry().line());
    }
    return lines;
  }
}
