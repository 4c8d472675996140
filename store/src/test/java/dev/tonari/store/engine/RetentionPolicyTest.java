package dev.tonari.store.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.store.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static RetentionPolicy.StreamRule rule(String name, String value, Duration period, int priority) {
    return new RetentionPolicy.StreamRule("{" + name + "=\"" + value + "\"}", labels -> value.equals(labels.get(name)), period, priority);
  }

  /** Loki's retention documentation example: tenant 29 keeps 168h, prod 336h (priority 2), loki 72h (priority 1). */
  @Test
  void theHighestPriorityMatchingRuleWinsAsInLokisExample() {
    RetentionPolicy policy =
        new RetentionPolicy(
            Duration.ofHours(168), List.of(rule("namespace", "prod", Duration.ofHours(336), 2), rule("container", "loki", Duration.ofHours(72), 1)));
    assertThat(policy.periodFor(Labels.of("namespace", "prod", "container", "loki"))).isEqualTo(Duration.ofHours(336));
    assertThat(policy.periodFor(Labels.of("namespace", "dev", "container", "loki"))).isEqualTo(Duration.ofHours(72));
    assertThat(policy.periodFor(Labels.of("namespace", "dev", "container", "nginx"))).isEqualTo(Duration.ofHours(168));
  }

  @Test
  void betweenEqualPrioritiesTheLongerPeriodWinsAndZeroIsForever() {
    RetentionPolicy policy =
        new RetentionPolicy(
            Duration.ofDays(7),
            List.of(rule("level", "debug", Duration.ofDays(1), 1), rule("app", "audit", Duration.ofDays(30), 1), rule("team", "legal", Duration.ZERO, 1)));
    assertThat(policy.periodFor(Labels.of("level", "debug", "app", "audit"))).isEqualTo(Duration.ofDays(30));
    assertThat(policy.periodFor(Labels.of("level", "debug", "team", "legal"))).isZero();
    assertThat(policy.cutoffNanos(Labels.of("team", "legal"), 1_000)).isEqualTo(Long.MIN_VALUE);
    assertThat(policy.cutoffNanos(Labels.of("level", "debug"), Duration.ofDays(3).toNanos())).isEqualTo(Duration.ofDays(2).toNanos());
    assertThat(policy.keepsEverything()).isFalse();
    assertThat(RetentionPolicy.of(Duration.ZERO).keepsEverything()).isTrue();
  }

  @Property(tries = 200)
  void theEffectivePeriodDoesNotDependOnRuleOrder(@ForAll long seed) {
    Random random = new Random(seed);
    List<RetentionPolicy.StreamRule> rules = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rules.add(rule("k" + random.nextInt(3), "v" + random.nextInt(2), Duration.ofHours(random.nextInt(4) * 24L), random.nextInt(3)));
    }
    Labels labels = Labels.of("k0", "v" + random.nextInt(2), "k1", "v" + random.nextInt(2), "k2", "v" + random.nextInt(2));
    Duration expected = new RetentionPolicy(Duration.ofDays(7), rules).periodFor(labels);
    List<RetentionPolicy.StreamRule> shuffled = new ArrayList<>(rules);
    Collections.shuffle(shuffled, random);
    assertThat(new RetentionPolicy(Duration.ofDays(7), shuffled).periodFor(labels)).isEqualTo(expected);
  }
}
