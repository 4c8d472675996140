package dev.tonari.cluster.ruler;

import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.Member;
import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import dev.tonari.rules.eval.EvaluationSettings;
import dev.tonari.rules.eval.InstantQuerier;
import dev.tonari.rules.eval.Ruler;
import dev.tonari.rules.eval.Sample;
import dev.tonari.rules.model.AlertingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Small fakes for the cluster ruler's tests: rules in the heap, a querier that always answers, sinks that collect. */
final class RulerFixtures {
  private RulerFixtures() {}

  /** One alerting rule {@code HighErrors} with {@code for: 5m} in group {@code errors} of namespace {@code ns}, for every tenant given. */
  static RuleSource rulesFor(Supplier<? extends Collection<String>> tenants, Duration forDuration) {
    RuleGroup group = new RuleGroup("errors", Optional.of(Duration.ofMinutes(1)), 0,
        List.of(new AlertingRule("HighErrors", "errors", forDuration, Duration.ZERO, Map.of("severity", "page"), Map.of())));
    return new RuleSource() {
      @Override
      public Set<String> tenants() {
        return Set.copyOf(tenants.get());
      }

      @Override
      public List<RuleNamespace> namespaces(String tenant) {
        return tenants.get().contains(tenant) ? List.of(new RuleNamespace("ns", List.of(group), RuleNamespace.Origin.API)) : List.of();
      }
    };
  }

  /** Every expression returns one sample of value 1: the alert's condition always holds. */
  static final InstantQuerier ALWAYS = (tenant, expr, at) -> List.of(new Sample(Map.of("service", "api"), 1));

  static Member member(String id) {
    return new Member(id, RulerLeases.ROLE, id + ":3100", List.of(), true);
  }

  static RulerLeases leases(ClusterCatalog catalog, String id, Collection<String> tenants, Duration ttl, Clock clock) {
    return new RulerLeases(catalog, member(id), () -> tenants, ttl, clock);
  }

  static Ruler ruler(ClusterCatalog catalog, RulerLeases leases, RuleSource rules, Clock clock, Discard discard) throws IOException {
    return new Ruler(EvaluationSettings.defaults("http://tonari.test"), List.of(rules), ALWAYS, discard, discard, discard, clock,
        new CatalogAlertStateStore(catalog, leases), leases);
  }

  /** Sinks that must stay unused by a ruler whose alerts go to the outbox (alerts), and drop samples and transitions. */
  static final class Discard implements AlertSink, SampleSink, TransitionListener {
    final List<OutgoingAlert> directAlerts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void send(String tenant, List<OutgoingAlert> alerts) {
      directAlerts.addAll(alerts);
    }

    @Override
    public void write(String tenant, List<RecordedSample> samples) {}

    @Override
    public void onTransitions(List<AlertTransition> transitions) {}
  }

  /** What an outbox dispatcher delivered: tenant and alert. */
  record Delivered(String tenant, OutgoingAlert alert) {}

  /** An alert sink that collects what it is given. */
  static final class Collecting implements AlertSink {
    final List<Delivered> delivered = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void send(String tenant, List<OutgoingAlert> alerts) {
      alerts.forEach(alert -> delivered.add(new Delivered(tenant, alert)));
    }
  }
}
