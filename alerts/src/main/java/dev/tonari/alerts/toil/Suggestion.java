package dev.tonari.alerts.toil;

import dev.tonari.tenancy.config.LokiUnits;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** A concrete change to a noisy rule, with the figures it rests on. */
public sealed interface Suggestion {
  /** One line for people. */
  String text();

  /** The kind, as the JSON names it. */
  String kind();

  /**
   * The rule flaps with short episodes: a longer {@code for} would not have fired for most of them.
   *
   * @param from the {@code for} seen (the shortest time from pending to firing)
   * @param to the shortest {@code for} that 90 % of the flapping episodes would not have outlasted
   */
  record RaiseFor(Duration from, Duration to, int flapping) implements Suggestion {
    public RaiseFor {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String kind() {
      return "raise_for";
    }

    @Override
    public String text() {
      return "raise `for` from " + LokiUnits.formatDuration(from) + " to " + LokiUnits.formatDuration(to) + ": 90% of its " + flapping
          + " flapping episodes were over within " + LokiUnits.formatDuration(to);
    }
  }

  /**
   * The rule flaps with short gaps: it goes quiet briefly while the problem lasts.
   *
   * @param duration the gap that 90 % of its flaps were within
   */
  record KeepFiringFor(Duration duration, int flapping) implements Suggestion {
    public KeepFiringFor {
      Objects.requireNonNull(duration, "duration");
    }

    @Override
    public String kind() {
      return "keep_firing_for";
    }

    @Override
    public String text() {
      return "set keep_firing_for: " + LokiUnits.formatDuration(duration) + ": 90% of its " + flapping + " flaps fired again within "
          + LokiUnits.formatDuration(duration) + " of resolving";
    }
  }

  /** A page that nobody acknowledges and that goes away on its own is not worth waking someone for. */
  record PageToTicket(int pages, int noise) implements Suggestion {
    @Override
    public String kind() {
      return "page_to_ticket";
    }

    @Override
    public String text() {
      return "page -> ticket: " + pages + " pages, none acknowledged, " + noise + " resolved on their own";
    }
  }

  /**
   * Two rules that fire together tell one story twice.
   *
   * @param share the smaller of the two rules' shares of episodes that fired near one of the other's
   */
  record MergeWith(String namespace, String group, String rule, double share, Duration within) implements Suggestion {
    public MergeWith {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(within, "within");
    }

    @Override
    public String kind() {
      return "merge_with";
    }

    @Override
    public String text() {
      return "merge with " + rule + ": " + String.format(Locale.ROOT, "%.0f%%", share * 100) + " of their episodes fired within "
          + LokiUnits.formatDuration(within) + " of each other";
    }
  }
}
