package dev.tonari.logql;

/** A metric query, returning samples: a scalar or a vector of series. */
public sealed interface SampleExpr extends Expr
    permits RangeAggregation, VectorAggregation, BinaryOperation, LiteralExpr, VectorExpr, LabelReplace {}
