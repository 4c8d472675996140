package dev.tonari.logql;

/** {@code | unpack}: unpacks a JSON line packed by Promtail's pack stage, restoring its labels and line. */
public record UnpackParser() implements PipelineStage {}
