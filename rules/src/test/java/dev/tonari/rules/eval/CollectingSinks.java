package dev.tonari.rules.eval;

import dev.tonari.rules.alert.AlertSink;
import dev.tonari.rules.alert.AlertTransition;
import dev.tonari.rules.alert.OutgoingAlert;
import dev.tonari.rules.alert.RecordedSample;
import dev.tonari.rules.alert.SampleSink;
import dev.tonari.rules.alert.TransitionListener;
import java.util.ArrayList;
import java.util.List;

/** Sinks that keep what the ruler hands them, per call, for the test to read and clear. */
final class CollectingSinks implements AlertSink, SampleSink, TransitionListener {
  final List<List<OutgoingAlert>> sends = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<String> sendTenants = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<RecordedSample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<AlertTransition> transitions = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public void send(String tenant, List<OutgoingAlert> alerts) {
    sendTenants.add(tenant);
    sends.add(alerts);
  }

  @Override
  public void write(String tenant, List<RecordedSample> recorded) {
    samples.addAll(recorded);
  }

  @Override
  public void onTransitions(List<AlertTransition> changes) {
    transitions.addAll(changes);
  }

  /** Every alert sent since the last clear, in order. */
  List<OutgoingAlert> sent() {
    List<OutgoingAlert> all = new ArrayList<>();
    sends.forEach(all::addAll);
    return all;
  }

  void clear() {
    sends.clear();
    sendTenants.clear();
    samples.clear();
    transitions.clear();
  }
}
