package dev.tonari.logql;

/**
 * One stage of a log pipeline, applied to each line in order: line filters, parsers that add
 * labels, label filters, formatters, and {@code drop}/{@code keep}.
 */
public sealed interface PipelineStage
    permits LineFilter,
        JsonParser,
        LogfmtParser,
        RegexpParser,
        PatternParser,
        UnpackParser,
        Decolorize,
        LabelFilterStage,
        LineFormat,
        LabelFormat,
        DropLabels,
        KeepLabels {}
