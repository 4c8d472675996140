package dev.tonari.query.pipeline;

/**
 * A pipeline that cannot run: an invalid regex, template, pattern or label name. Loki refuses such
 * queries with a 400 and this message.
 */
public final class PipelineCompileException extends Exception {
  private static final long serialVersionUID = 1L;

  public PipelineCompileException(String message) {
    super(message);
  }

  public PipelineCompileException(String message, Throwable cause) {
    super(message, cause);
  }
}
