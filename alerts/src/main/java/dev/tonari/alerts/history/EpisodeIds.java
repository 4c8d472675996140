package dev.tonari.alerts.history;

import dev.tonari.rules.alert.AlertFingerprint;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import com.google.re2j.Pattern;

/**
 * Episode identifiers: {@code YYYYMMDD-hhhhhhhhhhhhhhhh}, the UTC day the episode started and
 * {@link AlertFingerprint}'s 64-bit hash over the tenant, the alert's fingerprint and the start in
 * nanoseconds since the epoch. The same episode gets the same id on every replay and on every
 * node; the day in front lets an acknowledgement of an episode that is long over find it by
 * reading from that day's file on, instead of the tenant's whole history.
 */
public final class EpisodeIds {
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final Pattern FORM = Pattern.compile("\\d{8}-[0-9a-f]{16}");

  private EpisodeIds() {}

  public static String of(String tenant, String fingerprint, Instant startedAt) {
    long nanos = HistoryCodec.nanosOf(startedAt);
    String hash = AlertFingerprint.of(Map.of("tenant", tenant, "fingerprint", fingerprint, "started_at_ns", Long.toString(nanos)));
    return LocalDate.ofInstant(startedAt, ZoneOffset.UTC).format(DAY) + "-" + hash;
  }

  /** The UTC day an episode id says its episode started on; empty when the text is not an id. */
  public static Optional<LocalDate> startDay(String id) {
    if (id == null || !FORM.matcher(id).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(id.substring(0, 8), DAY));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
