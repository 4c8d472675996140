package dev.tonari.rules.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link InstantQuerier}: each expression answers what the test last set for it. */
final class ScriptedQuerier implements InstantQuerier {
  private final Map<String, List<Sample>> answers = new ConcurrentHashMap<>();
  private final Map<String, String> errors = new ConcurrentHashMap<>();
  final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());

  ScriptedQuerier answer(String expr, Sample... samples) {
    answers.put(expr, List.of(samples));
    errors.remove(expr);
    return this;
  }

  ScriptedQuerier fail(String expr, String message) {
    errors.put(expr, message);
    return this;
  }

  static Sample sample(double value, String... labels) {
    Map<String, String> map = new java.util.TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return new Sample(map, value);
  }

  @Override
  public List<Sample> evaluate(String tenant, String expr, Instant at) throws RuleQueryException {
    asked.add(tenant + " " + expr);
    String error = errors.get(expr);
    if (error != null) {
      throw new RuleQueryException(error);
    }
    return answers.getOrDefault(expr, List.of());
  }
}
