package dev.tonari.logql;

/**
 * A parsed LogQL query: an immutable tree of records with structural equality, so that
 * {@code LogqlParser.parse(LogqlPrinter.print(expr)).equals(expr)} holds for every valid tree.
 *
 * <p>The hierarchy, each level sealed so that a {@code switch} over it is checked for
 * exhaustiveness by the compiler:
 *
 * <ul>
 *   <li>{@link LogExpr}, a log query: {@link LogSelectorExpr} = stream selector ({@link Matcher}s)
 *       followed by {@link PipelineStage}s:
 *       <ul>
 *         <li>{@link LineFilter} ({@code |= "a" or "b"}, {@code != ip("10.0.0.0/8")}, {@code |> "<_> x"});
 *         <li>parsers {@link JsonParser} ({@code json status="response.status"}), {@link LogfmtParser}
 *             ({@code logfmt --strict --keep-empty}), {@link RegexpParser}, {@link PatternParser},
 *             {@link UnpackParser};
 *         <li>{@link Decolorize};
 *         <li>{@link LabelFilterStage} holding a {@link LabelFilterExpr}: {@link StringLabelFilter},
 *             {@link NumericLabelFilter}, {@link DurationLabelFilter}, {@link BytesLabelFilter},
 *             {@link IpLabelFilter}, joined by {@link AndLabelFilter} ({@code and}, {@code ,} or
 *             whitespace) and {@link OrLabelFilter};
 *         <li>{@link LineFormat}, {@link LabelFormat} ({@link LabelFormatting.Rename} {@code dst=src} or
 *             {@link LabelFormatting.Template} {@code dst="{{.x}}"});
 *         <li>{@link DropLabels} and {@link KeepLabels} of {@link LabelMatcherOrName}s.
 *       </ul>
 *   <li>{@link SampleExpr}, a metric query:
 *       <ul>
 *         <li>{@link RangeAggregation} ({@code rate}, {@code quantile_over_time(0.99, ...)}, see
 *             {@link RangeOperation}) over a {@link LogRange}: a log selector with pipeline, a range
 *             ({@code [5m]}), an offset and an optional {@link Unwrap} ({@code | unwrap duration(latency)}
 *             followed by post-filters), with an optional {@link Grouping};
 *         <li>{@link VectorAggregation} ({@code sum by (app) (...)}, {@code topk(5, ...)}, see
 *             {@link VectorOperation});
 *         <li>{@link BinaryOperation} ({@link BinaryOperator}, {@code bool}, {@link VectorMatching}
 *             with {@code on}/{@code ignoring} and {@code group_left}/{@code group_right});
 *         <li>{@link LiteralExpr} ({@code 2}, {@code -1.5e3}), {@link VectorExpr} ({@code vector(1)}),
 *             {@link LabelReplace}.
 *       </ul>
 * </ul>
 *
 * <p>Parenthesised sub-expressions leave no trace in the tree; the printer adds parentheses where
 * precedence needs them. Durations are {@link java.time.Duration}s with nanosecond precision.
 */
public sealed interface Expr permits LogExpr, SampleExpr {}
