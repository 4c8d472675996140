package dev.tonari.logql;

/** An argument of {@code drop} or {@code keep}: a bare label name, or a matcher on the label's value. */
public sealed interface LabelMatcherOrName {
  /** The label this argument is about. */
  String name();

  /** {@code drop level}: the label whatever its value. */
  record Name(String name) implements LabelMatcherOrName {
    public Name {
      if (name == null) {
        throw new IllegalArgumentException("label name must not be null");
      }
    }
  }

  /** {@code drop level="debug"}: the label only when its value matches. */
  record Match(Matcher matcher) implements LabelMatcherOrName {
    public Match {
      if (matcher == null) {
        throw new IllegalArgumentException("matcher must not be null");
      }
    }

    @Override
    public String name() {
      return matcher.name();
    }
  }
}
