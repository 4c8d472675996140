package dev.tonari.logql;

/**
 * A parsed LogQL query. Log queries are {@link LogSelectorExpr}; metric queries (range and vector
 * aggregations, binary operations, literals) will join this sealed hierarchy as further records,
 * so that every consumer's {@code switch} over it is checked for exhaustiveness by the compiler.
 */
public sealed interface Expr permits LogSelectorExpr {}
