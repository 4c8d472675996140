package dev.tonari.logql;

/** {@code | decolorize}: strips ANSI colour escape sequences from the line. */
public record Decolorize() implements PipelineStage {}
