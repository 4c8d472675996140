package dev.tonari.logql;

/**
 * One stage of a log pipeline. Line filters exist now; parsers ({@code json}, {@code logfmt}, ...),
 * label filters, formatters, {@code drop} and {@code keep} will be added as further records.
 */
public sealed interface PipelineStage permits LineFilter {}
