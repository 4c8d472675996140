package dev.tonari.logql;

/**
 * A condition on labels, in a {@link LabelFilterStage} or after an {@link Unwrap}. {@code and}
 * binds tighter than {@code or}; a comma or plain whitespace between two filters means {@code and}.
 * A numeric, duration or bytes filter on a label whose value does not convert sets {@code __error__}
 * in Loki rather than dropping the line.
 */
public sealed interface LabelFilterExpr
    permits StringLabelFilter, NumericLabelFilter, DurationLabelFilter, BytesLabelFilter, IpLabelFilter, AndLabelFilter, OrLabelFilter {}
