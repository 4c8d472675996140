package dev.tonari.logql;

/** A log query, returning log lines (rather than samples). */
public sealed interface LogExpr extends Expr permits LogSelectorExpr {}
