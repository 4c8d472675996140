package dev.tonari.cli.generate;

/** How an application writes its log lines; each generated app uses one style for all its lines. */
public enum LogStyle {
  /** {@code ts=... level=info caller=... msg="..." method=GET path=... status=200 duration=12.3ms ... trace_id=...}. */
  LOGFMT,
  /** One JSON object per line with nested objects: {@code {"ts":...,"level":"error","status":503,"latency_ms":...,"http":{...}}}. */
  JSON,
  /** nginx combined access log lines, followed by timings, the request id and the upstream. */
  NGINX_ACCESS,
  /** Java logback-style lines, with errors followed by {@code at ...} stack-frame lines. */
  JAVA_TEXT,
  /** Node syslog: kernel, sshd, systemd, containerd and kubelet lines, as journald forwards them. */
  SYSLOG
}
