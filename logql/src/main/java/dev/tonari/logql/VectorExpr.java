package dev.tonari.logql;

/** {@code vector(1)}: a vector with one series without labels, whatever the data. */
public record VectorExpr(double value) implements SampleExpr {}
