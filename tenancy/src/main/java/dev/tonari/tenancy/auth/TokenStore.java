package dev.tonari.tenancy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.tenancy.AtomicFiles;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import com.google.re2j.Pattern;

/**
 * The API tokens of one data directory, persisted in {@code <data_dir>/tokens.json}.
 *
 * <p>A token's text is {@code tnr_<id>_<secret>}: {@code id} is 9 random bytes and {@code secret}
 * 32 random bytes (SecureRandom), both in fixed-width base62. Only the SHA-256 of the secret is
 * stored, so the file leaks no usable token; a plain hash suffices because the secret has 256 bits
 * of entropy (a slow password hash protects guessable secrets, which these are not). The text is
 * shown once, by {@link #create}.
 *
 * <p>Writes are atomic (temporary file, fsync, rename, fsync of the directory) and serialised
 * across processes by a lock file, and each write first re-reads the file, so the offline {@code
 * token create --data-dir} and a running server never lose each other's changes. A running server
 * picks up offline changes: {@link #authenticate} re-reads the file when its modification time or
 * size changed, checked at most once per {@link #RELOAD_CHECK_INTERVAL}.
 *
 * <p>{@link #authenticate} compares hashes in constant time and does the same work for unknown ids,
 * so timing says nothing about which ids or secrets exist.
 */
public final class TokenStore {
  public static final String FILE_NAME = "tokens.json";
  public static final String PREFIX = "tnr_";
  public static final Duration RELOAD_CHECK_INTERVAL = Duration.ofSeconds(1);
  static final int ID_BYTES = 9;
  static final int SECRET_BYTES = 32;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._@-]{1,64}");
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final byte[] DUMMY_HASH = new byte[32];

  private final Path file;
  private final Path lockFile;
  private final Clock clock;
  private final SecureRandom random;
  private volatile Map<String, TokenRecord> tokensById = Map.of();
  private volatile FileStamp loadedStamp = FileStamp.ABSENT;
  private volatile Instant lastReloadCheck = Instant.MIN;

  private record FileStamp(FileTime modified, long size) {
    static final FileStamp ABSENT = new FileStamp(FileTime.fromMillis(0), -1);
  }

  /** A new token: its record and the text to hand over, which is never shown again. */
  public record CreatedToken(TokenRecord record, String text) {
    @Override
    public String toString() {
      // Never let the secret reach a log line by accident.
      return "CreatedToken[" + record + "]";
    }
  }

  private TokenStore(Path dataDir, Clock clock, SecureRandom random) {
    this.file = dataDir.resolve(FILE_NAME);
    this.lockFile = dataDir.resolve(FILE_NAME + ".lock");
    this.clock = clock;
    this.random = random;
  }

  /** Opens (and creates the directory of) the token file of a data directory. */
  public static TokenStore open(Path dataDir, Clock clock) throws IOException {
    return open(dataDir, clock, new SecureRandom());
  }

  static TokenStore open(Path dataDir, Clock clock, SecureRandom random) throws IOException {
    Files.createDirectories(dataDir);
    TokenStore store = new TokenStore(dataDir, Objects.requireNonNull(clock, "clock"), random);
    store.reload();
    return store;
  }

  public Path file() {
    return file;
  }

  /**
   * Creates a token.
   *
   * @param name unique among active tokens; null picks {@code token-<id>}
   * @param tenants granted tenants; exactly {@code *} for admins, which no other role may hold
   * @param expiresIn empty for a token that never expires
   * @throws IllegalArgumentException naming what is wrong with the request
   */
  public synchronized CreatedToken create(String name, Set<String> tenants, Role role, Optional<Duration> expiresIn) throws IOException {
    validateGrant(tenants, role);
    if (expiresIn.isPresent() && (expiresIn.get().isNegative() || expiresIn.get().isZero())) {
      throw new IllegalArgumentException("token expiry must be in the future, got " + expiresIn.get());
    }
    byte[] idBytes = new byte[ID_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(idBytes);
    random.nextBytes(secret);
    String id = Base62.encode(idBytes);
    String tokenName = name == null || name.isBlank() ? "token-" + id : name;
    if (!NAME.matcher(tokenName).matches()) {
      throw new IllegalArgumentException("invalid token name '" + tokenName + "': 1 to 64 characters out of [a-zA-Z0-9._@-]");
    }
    Instant now = clock.instant();
    TokenRecord record = new TokenRecord(id, tokenName, HexFormat.of().formatHex(sha256(secret)), List.copyOf(new TreeSet<>(tenants)), role,
        now, expiresIn.map(now::plus), Optional.empty());
    mutate(tokens -> {
      for (TokenRecord existing : tokens.values()) {
        if (existing.name().equals(tokenName) && existing.isActive(now)) {
          throw new IllegalArgumentException("a token named '" + tokenName + "' already exists (id " + existing.id() + "); revoke it or pick another name");
        }
      }
      tokens.put(id, record);
      return record;
    });
    return new CreatedToken(record, PREFIX + id + "_" + Base62.encode(secret));
  }

  /** Rules of granting, shared with the admin API's checks. */
  public static void validateGrant(Set<String> tenants, Role role) {
    if (tenants.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one tenant");
    }
    if (role == Role.ADMIN) {
      if (!tenants.equals(Set.of(Principal.ALL_TENANTS))) {
        throw new IllegalArgumentException("an admin token holds every tenant: grant tenant '*' alone, got " + new TreeSet<>(tenants));
      }
      return;
    }
    for (String tenant : tenants) {
      if (tenant.equals(Principal.ALL_TENANTS)) {
        throw new IllegalArgumentException("only admin tokens may hold every tenant ('*'); role " + role.text() + " needs named tenants");
      }
      Optional<String> problem = TenantIds.problem(tenant);
      if (problem.isPresent()) {
        throw new IllegalArgumentException("invalid tenant '" + tenant + "': " + problem.get());
      }
    }
  }

  /** Every token ever created (revoked and expired ones included), oldest first. */
  public List<TokenRecord> list() {
    reloadIfDue();
    List<TokenRecord> records = new ArrayList<>(tokensById.values());
    records.sort((a, b) -> a.created().compareTo(b.created()) != 0 ? a.created().compareTo(b.created()) : a.id().compareTo(b.id()));
    return records;
  }

  /**
   * Revokes a token by id or by name (of an active token). Revoking keeps the record so the
   * audit trail and {@code token list} still show it.
   *
   * @throws NoSuchElementException when no token has that id or active name
   */
  public synchronized TokenRecord revoke(String idOrName) throws IOException {
    Instant now = clock.instant();
    return mutate(tokens -> {
      TokenRecord target = tokens.get(idOrName);
      if (target == null) {
        for (TokenRecord record : tokens.values()) {
          if (record.name().equals(idOrName) && record.isActive(now)) {
            target = record;
          }
        }
      }
      if (target == null) {
        throw new NoSuchElementException("no token with id or active name '" + idOrName + "'");
      }
      if (target.revoked().isPresent()) {
        return target;
      }
      TokenRecord revoked = target.withRevoked(now);
      tokens.put(revoked.id(), revoked);
      return revoked;
    });
  }

  /** The principal of a token's text, or empty when it is malformed, unknown, revoked or expired. */
  public Optional<Principal> authenticate(String tokenText) {
    reloadIfDue();
    byte[] presented = DUMMY_HASH;
    String id = "";
    if (tokenText != null && tokenText.startsWith(PREFIX)) {
      int separator = tokenText.indexOf('_', PREFIX.length());
      if (separator > 0) {
        id = tokenText.substring(PREFIX.length(), separator);
        byte[] secret = Base62.decode(tokenText.substring(separator + 1), SECRET_BYTES);
        if (secret != null) {
          presented = sha256(secret);
        }
      }
    }
    TokenRecord record = tokensById.get(id);
    byte[] expected = record == null ? DUMMY_HASH : HexFormat.of().parseHex(record.secretSha256());
    boolean matches = MessageDigest.isEqual(presented, expected);
    if (record == null || !matches || presented == DUMMY_HASH || !record.isActive(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(record.principal());
  }

  /** Re-reads the file now if it changed since it was last read; true when it did. */
  public boolean reloadIfChanged() throws IOException {
    if (stamp().equals(loadedStamp)) {
      return false;
    }
    reload();
    return true;
  }

  private void reloadIfDue() {
    Instant now = clock.instant();
    if (Duration.between(lastReloadCheck, now).compareTo(RELOAD_CHECK_INTERVAL) < 0 && !lastReloadCheck.equals(Instant.MIN)) {
      return;
    }
    lastReloadCheck = now;
    try {
      reloadIfChanged();
    } catch (IOException e) {
      // Keep serving the tokens read last; a broken file must not lock everyone out or let anyone in.
      org.slf4j.LoggerFactory.getLogger(TokenStore.class).error("cannot re-read {}; keeping the tokens read before", file, e);
    }
  }

  private synchronized void reload() throws IOException {
    FileStamp stamp = stamp();
    tokensById = read();
    loadedStamp = stamp;
  }

  private FileStamp stamp() throws IOException {
    try {
      return new FileStamp(Files.getLastModifiedTime(file), Files.size(file));
    } catch (NoSuchFileException e) {
      return FileStamp.ABSENT;
    }
  }

  private interface Mutation<T> {
    T apply(Map<String, TokenRecord> tokens) throws IOException;
  }

  /** Read-modify-write under the cross-process lock, so concurrent writers never lose updates. */
  private <T> T mutate(Mutation<T> mutation) throws IOException {
    try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      Map<String, TokenRecord> tokens = new LinkedHashMap<>(read());
      T result = mutation.apply(tokens);
      write(tokens);
      tokensById = Map.copyOf(tokens);
      loadedStamp = stamp();
      return result;
    }
  }

  private Map<String, TokenRecord> read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Map<String, TokenRecord> tokens = new LinkedHashMap<>();
    try {
      JsonNode root = MAPPER.readTree(bytes);
      for (JsonNode node : root.path("tokens")) {
        TokenRecord record = new TokenRecord(
            text(node, "id"), text(node, "name"), text(node, "secret_sha256"),
            MAPPER.convertValue(node.path("tenants"), MAPPER.getTypeFactory().constructCollectionType(List.class, String.class)),
            Role.parse(text(node, "role")), Instant.parse(text(node, "created")),
            optionalInstant(node, "expires"), optionalInstant(node, "revoked"));
        tokens.put(record.id(), record);
      }
    } catch (RuntimeException | IOException e) {
      throw new IOException("token file " + file + " is corrupt: " + e.getMessage(), e);
    }
    return Map.copyOf(tokens);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("token entry lacks text field '" + field + "': " + node);
    }
    return value.asText();
  }

  private static Optional<Instant> optionalInstant(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(Instant.parse(value.asText()));
  }

  private void write(Map<String, TokenRecord> tokens) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", 1);
    ArrayNode array = root.putArray("tokens");
    for (TokenRecord record : tokens.values()) {
      ObjectNode node = array.addObject();
      node.put("id", record.id());
      node.put("name", record.name());
      node.put("secret_sha256", record.secretSha256());
      ArrayNode tenants = node.putArray("tenants");
      record.tenants().forEach(tenants::add);
      node.put("role", record.role().text());
      node.put("created", record.created().toString());
      node.put("expires", record.expires().map(Instant::toString).orElse(null));
      node.put("revoked", record.revoked().map(Instant::toString).orElse(null));
    }
    AtomicFiles.write(file, MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
