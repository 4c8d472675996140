package dev.tonari.cli.generate;

/** How an application writes its log lines; each generated app uses one style for all its lines. */
public enum LogStyle {
  /** {@code ts=... level=info caller=... msg="..." method=GET path=... status=200 duration=12.3ms trace_id=...}. */
  LOGFMT,
  /** One JSON object per line: {@code {"ts":...,"level":"error","msg":...,"status":503,"latency_ms":...}}. */
  JSON,
  /** nginx combined access log lines. */
  NGINX_ACCESS,
  /** Java logback-style lines, with errors followed by {@code at ...} stack-frame lines. */
  JAVA_TEXT
}
