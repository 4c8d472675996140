package dev.tonari.rules.alert;

import java.util.List;

/** Told of every alert state change after each group evaluation (the alert history). Must not throw. */
public interface TransitionListener {
  void onTransitions(List<AlertTransition> transitions);
}
