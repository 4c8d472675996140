package dev.tonari.slo.engine;

/** The answer to deleting an SLO through the API. */
public sealed interface DeleteOutcome {
  record Deleted() implements DeleteOutcome {}

  record NotFound() implements DeleteOutcome {}

  /** The SLO comes from a file in the SLO directory; delete it there, in a pull request (409). */
  record OwnedByFile(String file) implements DeleteOutcome {}
}
