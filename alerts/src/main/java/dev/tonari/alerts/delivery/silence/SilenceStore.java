package dev.tonari.alerts.delivery.silence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonari.alerts.delivery.ChecksummedFile;
import dev.tonari.alerts.delivery.config.LabelMatcher;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenants' silences, one file per tenant ({@code <directory>/<tenant>.silences}, a {@link
 * ChecksummedFile} named {@code TNSILENC}, version 1, whose payload is the JSON array of the
 * tenant's silences in Alertmanager's {@code gettableSilence} shape), rewritten atomically on
 * every change, so an acknowledged create or expire survives a crash.
 *
 * <p>Rules as Alertmanager's: at least one matcher, and not only matchers that match the empty
 * string (they would silence every alert); {@code endsAt} after {@code startsAt} and not in the
 * past; a start in the past is moved to now. An update of a silence that has not started or is
 * active replaces it in place; an expired silence cannot be changed. Expiring ends the silence
 * now. Expired silences are forgotten {@link #RETENTION} after they ended.
 */
public final class SilenceStore {
  public static final String FORMAT = "TNSILENC";
  public static final int VERSION = 1;
  /** How long an expired silence stays listed (Alertmanager's default data retention). */
  public static final Duration RETENTION = Duration.ofHours(120);
  private static final String SUFFIX = ".silences";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Clock clock;
  private final Map<String, Map<String, Silence>> byTenant = new HashMap<>();

  public SilenceStore(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /**
   * Creates a silence, or updates the one named by {@code postable.id()}.
   *
   * @return the silence's id
   * @throws InvalidSilenceException when it breaks a rule, or names a silence that does not exist
   * @throws IOException when it cannot be stored (then it does not take effect)
   */
  public synchronized String create(String tenant, SilenceJson.Postable postable) throws InvalidSilenceException, IOException {
    checkTenant(tenant);
    Instant now = clock.instant();
    if (postable.matchers().isEmpty()) {
      throw new InvalidSilenceException("silence: at least one matcher is needed");
    }
    boolean allMatchEmpty = true;
    for (LabelMatcher matcher : postable.matchers()) {
      allMatchEmpty &= matcher.matchesValue("");
    }
    if (allMatchEmpty) {
      throw new InvalidSilenceException("silence: at least one matcher must not match the empty string (otherwise it silences every alert)");
    }
    if (!postable.endsAt().isAfter(postable.startsAt())) {
      throw new InvalidSilenceException("silence: endsAt " + postable.endsAt() + " must be after startsAt " + postable.startsAt());
    }
    if (!postable.endsAt().isAfter(now)) {
      throw new InvalidSilenceException("silence: endsAt " + postable.endsAt() + " is in the past");
    }
    Map<String, Silence> silences = silences(tenant);
    String id = postable.id().orElseGet(() -> UUID.randomUUID().toString());
    if (postable.id().isPresent()) {
      Silence existing = silences.get(id);
      if (existing == null) {
        throw new InvalidSilenceException("silence " + id + " not found for tenant " + tenant, true);
      }
      if (existing.state(now) == Silence.State.EXPIRED) {
        throw new InvalidSilenceException("silence " + id + " has expired and cannot be changed; create a new one");
      }
    }
    Instant startsAt = postable.startsAt().isBefore(now) ? now : postable.startsAt();
    Map<String, Silence> updated = new LinkedHashMap<>(silences);
    updated.put(id, new Silence(id, postable.matchers(), startsAt, postable.endsAt(), now, postable.createdBy(), postable.comment()));
    persist(tenant, updated, now);
    return id;
  }

  /**
   * Ends a silence now (a pending one never starts).
   *
   * @throws InvalidSilenceException when it does not exist or has already expired
   */
  public synchronized void expire(String tenant, String id) throws InvalidSilenceException, IOException {
    checkTenant(tenant);
    Instant now = clock.instant();
    Map<String, Silence> silences = silences(tenant);
    Silence existing = silences.get(id);
    if (existing == null) {
      throw new InvalidSilenceException("silence " + id + " not found for tenant " + tenant, true);
    }
    if (existing.state(now) == Silence.State.EXPIRED) {
      throw new InvalidSilenceException("silence " + id + " has already expired");
    }
    Instant startsAt = existing.startsAt().isAfter(now) ? now : existing.startsAt();
    Map<String, Silence> updated = new LinkedHashMap<>(silences);
    updated.put(id, new Silence(id, existing.matchers(), startsAt, now, now, existing.createdBy(), existing.comment()));
    persist(tenant, updated, now);
  }

  /** The tenant's silences, newest first. */
  public synchronized List<Silence> list(String tenant) throws IOException {
    checkTenantUnchecked(tenant);
    List<Silence> list = new ArrayList<>(silences(tenant).values());
    list.sort(Comparator.comparing(Silence::updatedAt).reversed().thenComparing(Silence::id));
    return list;
  }

  public synchronized Optional<Silence> get(String tenant, String id) throws IOException {
    checkTenantUnchecked(tenant);
    return Optional.ofNullable(silences(tenant).get(id));
  }

  /** The active silence that mutes these labels at {@code now}, if any. */
  public synchronized Optional<Silence> silencing(String tenant, Map<String, String> labels, Instant now) throws IOException {
    for (Silence silence : silences(tenant).values()) {
      if (silence.silences(labels, now)) {
        return Optional.of(silence);
      }
    }
    return Optional.empty();
  }

  private Map<String, Silence> silences(String tenant) throws IOException {
    Map<String, Silence> silences = byTenant.get(tenant);
    if (silences == null) {
      silences = read(tenant);
      byTenant.put(tenant, silences);
    }
    return silences;
  }

  private Map<String, Silence> read(String tenant) throws IOException {
    Path file = file(tenant);
    byte[] payload;
    try {
      payload = ChecksummedFile.read(file, FORMAT, VERSION);
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    }
    Map<String, Silence> silences = new LinkedHashMap<>();
    JsonNode array = JSON.readTree(payload);
    if (array == null || !array.isArray()) {
      throw new ChecksummedFile.DamagedFileException(file, "payload is not a JSON array of silences");
    }
    for (JsonNode node : array) {
      try {
        Silence silence = SilenceJson.fromStored(node);
        silences.put(silence.id(), silence);
      } catch (InvalidSilenceException e) {
        throw new ChecksummedFile.DamagedFileException(file, "stored silence is invalid: " + e.getMessage());
      }
    }
    return silences;
  }

  private void persist(String tenant, Map<String, Silence> silences, Instant now) throws IOException {
    silences.values().removeIf(silence -> silence.endsAt().plus(RETENTION).isBefore(now));
    byte[] payload = SilenceJson.toJson(List.copyOf(silences.values()), now).toString().getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(directory);
    ChecksummedFile.write(file(tenant), FORMAT, VERSION, payload);
    byTenant.put(tenant, silences);
  }

  private Path file(String tenant) {
    return directory.resolve(tenant + SUFFIX);
  }

  private static void checkTenant(String tenant) throws InvalidSilenceException {
    Optional<String> problem = TenantIds.problem(tenant);
    if (problem.isPresent()) {
      throw new InvalidSilenceException("silence: " + problem.get());
    }
  }

  private static void checkTenantUnchecked(String tenant) {
    Optional<String> problem = TenantIds.problem(tenant);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }
}
