package dev.tonari.query.metric;

/** A scalar at every step of a grid (a literal, or arithmetic between literals). */
record StepScalars(double[] values) implements StepValue {}
