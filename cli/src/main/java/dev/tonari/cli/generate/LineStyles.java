package dev.tonari.cli.generate;

import java.util.Deque;

/**
 * Writes one line in each {@link LogStyle}. Every line carries high-entropy values as real
 * systems write them (a 128-bit trace id, UUIDs, client addresses, user ids, durations in
 * microseconds), so that compression and indexes meet the variety of real logs, not short
 * counters. Not thread-safe.
 */
final class LineStyles {
  private final RandomValues values;

  LineStyles(RandomValues values) {
    this.values = values;
  }

  String logfmt(AppSpec app, long timestampNanos, boolean error, boolean rare) {
    StringBuilder sb = new StringBuilder(320);
    sb.append("ts=");
    values.appendIso(sb, timestampNanos);
    String level = error || rare ? "error" : warnOrInfo();
    sb.append(" level=").append(level);
    sb.append(" caller=").append(values.pick(Vocabulary.GO_CALLERS)).append(':').append(20 + values.nextInt(400));
    String message = rare ? "deadlock detected, retrying transaction" : message(app, level);
    sb.append(" msg=\"").append(message).append('"');
    sb.append(" method=").append(values.method());
    sb.append(" path=").append(values.path(app));
    sb.append(" status=").append(values.status(error || rare));
    sb.append(" duration=");
    RandomValues.appendDecimal(sb, values.durationMillis(error), 1);
    sb.append("ms client_ip=");
    values.appendClientIp(sb);
    sb.append(" user_id=");
    values.appendUserId(sb);
    sb.append(" request_id=");
    values.appendUuid(sb);
    sb.append(" trace_id=");
    values.appendTraceId(sb);
    return sb.toString();
  }

  String json(AppSpec app, String service, long timestampNanos, boolean error, boolean rare) {
    StringBuilder sb = new StringBuilder(360);
    String level = error || rare ? "error" : warnOrInfo();
    sb.append("{\"ts\":\"");
    values.appendIso(sb, timestampNanos);
    sb.append("\",\"level\":\"").append(level).append('"');
    sb.append(",\"logger\":\"").append(app.javaPackage()).append('.').append(values.pick(Vocabulary.COMPONENTS)).append('"');
    String message = rare ? "deadlock detected, retrying transaction" : message(app, level);
    sb.append(",\"msg\":\"").append(message).append('"');
    sb.append(",\"method\":\"").append(values.method()).append('"');
    sb.append(",\"path\":\"").append(values.path(app)).append('"');
    sb.append(",\"status\":").append(values.status(error || rare));
    sb.append(",\"latency_ms\":");
    RandomValues.appendDecimal(sb, values.durationMillis(error), 2);
    sb.append(",\"user_id\":").append(100_000 + values.nextInt(900_000));
    sb.append(",\"trace_id\":\"");
    values.appendTraceId(sb);
    sb.append("\",\"service\":\"").append(service).append('"');
    sb.append(",\"http\":{\"client_ip\":\"");
    values.appendClientIp(sb);
    sb.append("\",\"request_id\":\"");
    values.appendUuid(sb);
    sb.append("\"}}");
    return sb.toString();
  }

  String access(AppSpec app, boolean error) {
    StringBuilder sb = new StringBuilder(360);
    values.appendPodIp(sb);
    sb.append(" - - [").append(values.nginxSecond()).append(" +0000] \"");
    sb.append(values.method()).append(' ').append(values.path(app)).append(" HTTP/1.1\" ");
    int status = values.status(error);
    sb.append(status).append(' ').append(status >= 500 ? 150 + values.nextInt(50) : 200 + values.nextInt(20_000));
    sb.append(" \"").append(values.pick(Vocabulary.REFERERS)).append("\" \"").append(values.pick(Vocabulary.USER_AGENTS)).append("\" ");
    double seconds = values.durationMillis(error) / 1000.0;
    RandomValues.appendDecimal(sb, seconds, 3);
    sb.append(' ');
    RandomValues.appendDecimal(sb, seconds * 0.93, 3);
    sb.append(' ');
    values.appendTraceId(sb);
    sb.append(' ');
    values.appendClientIp(sb);
    sb.append(' ');
    values.appendPodIp(sb);
    sb.append(':').append(8080 + values.nextInt(4));
    return sb.toString();
  }

  /** The head line; for an error, the exception and its frames are added to {@code frames}. */
  String javaText(AppSpec app, long timestampNanos, boolean error, boolean rare, Deque<String> frames) {
    StringBuilder sb = new StringBuilder(320);
    sb.append(values.javaSecond()).append('.');
    RandomValues.appendPadded(sb, (int) Math.floorMod(timestampNanos / 1_000_000, 1000L), 3);
    String level = error || rare ? "ERROR" : (values.nextDouble() < 0.04 ? "WARN " : "INFO ");
    sb.append(' ').append(level).append(" [").append(values.pick(Vocabulary.THREADS)).append('-').append(1 + values.nextInt(16)).append("] ");
    String component = values.pick(Vocabulary.COMPONENTS);
    sb.append(app.javaPackage()).append('.').append(component).append(" : ");
    if (error || rare) {
      String[] exception = rare ? Vocabulary.DEADLOCK_EXCEPTION : values.pick(Vocabulary.EXCEPTIONS);
      sb.append(values.pick(Vocabulary.JAVA_ERROR_MESSAGES)).append(" request=");
      values.appendUuid(sb);
      sb.append(" client=");
      values.appendClientIp(sb);
      sb.append(" trace=");
      values.appendTraceId(sb);
      frames.add(exception[0] + ": " + exception[1]);
      int count = 3 + values.nextInt(6);
      for (int i = 0; i < count; i++) {
        String frameClass = app.javaPackage() + "." + values.pick(Vocabulary.COMPONENTS);
        frames.add("\tat " + frameClass + "." + values.pick(Vocabulary.JAVA_METHODS) + "(" + frameClass.substring(frameClass.lastIndexOf('.') + 1) + ".java:" + (30 + values.nextInt(600)) + ")");
      }
      frames.add("\tat java.base/java.lang.Thread.run(Thread.java:1583)");
    } else {
      sb.append(message(app, level.trim().equals("WARN") ? "warn" : "info"));
      sb.append(" id=").append(1_000_000 + values.nextInt(9_000_000));
      sb.append(" took=").append((int) values.durationMillis(false)).append("ms user=");
      values.appendUserId(sb);
      sb.append(" request=");
      values.appendUuid(sb);
      sb.append(" client=");
      values.appendClientIp(sb);
      sb.append(" trace=");
      values.appendTraceId(sb);
    }
    return sb.toString();
  }

  /** A node's journal: mostly kernel, sshd, systemd, containerd and kubelet lines. */
  String syslog(String host, boolean error) {
    StringBuilder sb = new StringBuilder(320);
    sb.append(values.syslogSecond()).append(' ').append(host).append(' ');
    int kind = error ? 100 : values.nextInt(100);
    if (kind < 25) {
      sb.append("kernel: [");
      RandomValues.appendDecimal(sb, 1000 + values.nextInt(2_000_000) + values.nextDouble(), 6);
      sb.append("] IPv4: martian source ");
      values.appendClientIp(sb);
      sb.append(" from ");
      values.appendPodIp(sb);
      sb.append(", on dev ").append(values.pick(Vocabulary.NET_DEVICES)).append(" ll header: ");
      appendColonHex(sb, 14);
    } else if (kind < 45) {
      sb.append("sshd[").append(1000 + values.nextInt(60_000)).append("]: Accepted publickey for ").append(values.pick(Vocabulary.SYSTEM_USERS)).append(" from ");
      values.appendClientIp(sb);
      sb.append(" port ").append(1024 + values.nextInt(64_000)).append(" ssh2: ED25519 SHA256:");
      appendBase64(sb, 43);
    } else if (kind < 65) {
      sb.append("systemd[1]: Started cri-containerd-");
      values.appendHex(sb, 32);
      sb.append(".scope - libcontainer container, invocation ");
      values.appendUuid(sb);
    } else if (kind < 85) {
      sb.append("containerd[").append(700 + values.nextInt(300)).append("]: time=\"").append(values.javaSecond().replace(' ', 'T')).append(".");
      RandomValues.appendPadded(sb, values.nextInt(1_000_000_000), 9);
      sb.append("Z\" level=info msg=\"StartContainer for \\\"");
      values.appendHex(sb, 32);
      sb.append("\\\" returns successfully\" sandbox=");
      values.appendUuid(sb);
    } else if (kind < 100) {
      sb.append("kubelet[").append(1200 + values.nextInt(800)).append("]: I1207 ").append(values.javaSecond().substring(11)).append('.');
      RandomValues.appendPadded(sb, values.nextInt(1_000_000), 6);
      sb.append(" kubelet.go:").append(2000 + values.nextInt(500)).append("] ").append(values.pick(Vocabulary.KUBELET_MESSAGES)).append(" podUID=\"");
      values.appendUuid(sb);
      sb.append("\" took=");
      RandomValues.appendDecimal(sb, values.durationMillis(false), 3);
      sb.append("ms");
    } else if (values.nextInt(2) == 0) {
      sb.append("kernel: [");
      RandomValues.appendDecimal(sb, 1000 + values.nextInt(2_000_000) + values.nextDouble(), 6);
      sb.append("] EXT4-fs error (device ").append(values.pick(Vocabulary.DISK_DEVICES)).append("): ext4_find_entry:1587: inode #").append(values.nextInt(20_000_000));
      sb.append(": comm java: reading directory lblock 0, request ");
      values.appendUuid(sb);
    } else {
      sb.append("kernel: [");
      RandomValues.appendDecimal(sb, 1000 + values.nextInt(2_000_000) + values.nextDouble(), 6);
      sb.append("] Memory cgroup out of memory: Killed process ").append(1000 + values.nextInt(4_000_000)).append(" (java) total-vm:").append(1_000_000 + values.nextInt(9_000_000));
      sb.append("kB, anon-rss:").append(100_000 + values.nextInt(4_000_000)).append("kB, UID:").append(values.nextInt(70_000)).append(" pod ");
      values.appendUuid(sb);
    }
    return sb.toString();
  }

  private void appendColonHex(StringBuilder sb, int bytes) {
    for (int i = 0; i < bytes; i++) {
      if (i > 0) {
        sb.append(':');
      }
      values.appendHex(sb, 1);
    }
  }

  private static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private void appendBase64(StringBuilder sb, int characters) {
    for (int i = 0; i < characters; i++) {
      sb.append(BASE64.charAt(values.nextInt(64)));
    }
  }

  private String warnOrInfo() {
    double r = values.nextDouble();
    return r < 0.04 ? "warn" : (r < 0.10 ? "debug" : "info");
  }

  private String message(AppSpec app, String level) {
    return switch (level) {
      case "error" -> values.pick(Vocabulary.ERROR_MESSAGES);
      case "warn" -> values.pick(Vocabulary.WARN_MESSAGES);
      case "debug" -> values.pick(Vocabulary.DEBUG_MESSAGES);
      default -> values.pick(app.infoMessages());
    };
  }
}
