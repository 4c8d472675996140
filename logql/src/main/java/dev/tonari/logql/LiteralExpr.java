package dev.tonari.logql;

/** A scalar, {@code 2}, {@code -1.5}, {@code 1e3}; binary operations between two literals are folded into one. */
public record LiteralExpr(double value) implements SampleExpr {}
