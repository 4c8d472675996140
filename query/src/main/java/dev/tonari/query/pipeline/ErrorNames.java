package dev.tonari.query.pipeline;

/** Loki's {@code __error__} values. */
final class ErrorNames {
  private ErrorNames() {}

  static final String JSON = "JSONParserErr";
  static final String LOGFMT = "LogfmtParserErr";
  static final String LABEL_FILTER = "LabelFilterErr";
  static final String TEMPLATE_FORMAT = "TemplateFormatErr";
}
