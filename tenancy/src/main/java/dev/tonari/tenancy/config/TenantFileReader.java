package dev.tonari.tenancy.config;

import com.google.re2j.Pattern;
import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.auth.Principal;
import dev.tonari.tenancy.auth.Role;
import dev.tonari.tenancy.config.ConfigKeys.Key;
import dev.tonari.tenancy.config.ConfigKeys.Kind;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.YamlTree.Mapping;
import dev.tonari.tenancy.config.YamlTree.Node;
import dev.tonari.tenancy.config.YamlTree.Position;
import dev.tonari.tenancy.config.YamlTree.Scalar;
import dev.tonari.tenancy.config.YamlTree.ScalarKind;
import dev.tonari.tenancy.config.YamlTree.Sequence;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import dev.tonari.tenancy.config.TenantFileDrafts.FileDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.Located;
import dev.tonari.tenancy.config.TenantFileDrafts.PrometheusDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.Route;
import dev.tonari.tenancy.config.TenantFileDrafts.RoutingDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.SettingsDraft;


/** Validates one document's tree against {@link ConfigKeys}, collecting every problem. */
final class TenantFileReader {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final Function<String, Optional<String>> selectorProblem;
  private final String file;
  private final List<ConfigProblem> problems;

  TenantFileReader(String file, List<ConfigProblem> problems, Function<String, Optional<String>> selectorProblem) {
    this.file = file;
    this.problems = problems;
    this.selectorProblem = selectorProblem;
  }

  FileDraft read(String text) {
    FileDraft draft = new FileDraft();
    List<Map.Entry<Position, String>> duplicates = new ArrayList<>();
    Node root;
    try {
      root = YamlTree.parse(text, duplicates);
    } catch (YamlTree.SyntaxException e) {
      report(e.position(), e.getMessage());
      return draft;
    }
    for (Map.Entry<Position, String> duplicate : duplicates) {
      report(duplicate.getKey(), duplicate.getValue());
    }
    if (root == null || isNull(root)) {
      return draft;
    }
    Mapping mapping = mapping(root, "the file", "a mapping with the sections defaults, tenants, routing, pricing, sso");
    if (mapping == null) {
      return draft;
    }
    for (Entry entry : knownEntries(mapping, ConfigKeys.ROOT, "")) {
      switch (entry.key()) {
        case "defaults" -> {
          SettingsDraft settings = settings(entry.value(), "defaults");
          if (settings != null) {
            draft.defaults = new Located<>(file, entry.keyPosition(), settings);
          }
        }
        case "tenants" -> readTenants(entry.value(), draft);
        case "routing" -> {
          RoutingDraft routing = routing(entry.value());
          if (routing != null) {
            draft.routing = new Located<>(file, entry.keyPosition(), routing);
          }
        }
        case "pricing" -> {
          PriceSheet pricing = pricing(entry.value());
          if (pricing != null) {
            draft.pricing = new Located<>(file, entry.keyPosition(), pricing);
          }
        }
        case "sso" -> {
          GroupMapping sso = sso(entry.value());
          if (sso != null) {
            draft.sso = new Located<>(file, entry.keyPosition(), sso);
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    return draft;
  }

  /** The {@code sso} section: the groups claim and group -> tenant -> role. */
  private GroupMapping sso(Node node) {
    if (isNull(node)) {
      return null;
    }
    Mapping mapping = mapping(node, "sso", "a mapping with the keys groups_claim, groups");
    if (mapping == null) {
      return null;
    }
    String claim = GroupMapping.DEFAULT_GROUPS_CLAIM;
    Map<String, Map<String, Role>> groups = new LinkedHashMap<>();
    for (Entry entry : knownEntries(mapping, ConfigKeys.SSO, "sso")) {
      String path = "sso." + entry.key();
      if (isNull(entry.value())) {
        continue;
      }
      switch (entry.key()) {
        case "groups_claim" -> {
          String value = (String) scalarValue(entry.value(), Kind.TEXT, path);
          if (value != null) {
            claim = value;
          }
        }
        case "groups" -> {
          Mapping byGroup = mapping(entry.value(), path, "a mapping from group name to {tenant: role}");
          if (byGroup == null) {
            continue;
          }
          for (Entry group : byGroup.entries().values()) {
            Map<String, Role> grants = grants(group.value(), path + "." + group.key());
            if (grants != null) {
              groups.put(group.key(), grants);
            }
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    return new GroupMapping(claim, groups);
  }

  private Map<String, Role> grants(Node node, String path) {
    Mapping byTenant = mapping(node, path, "a mapping from tenant ID (or \"*\" for every tenant) to a role");
    if (byTenant == null) {
      return null;
    }
    Map<String, Role> grants = new LinkedHashMap<>();
    for (Entry grant : byTenant.entries().values()) {
      String tenant = grant.key();
      if (!tenant.equals(Principal.ALL_TENANTS)) {
        Optional<String> invalid = TenantIds.problem(tenant);
        if (invalid.isPresent()) {
          report(grant.keyPosition(), path + ": invalid tenant ID '" + tenant + "': " + invalid.get());
          continue;
        }
      }
      if (!(grant.value() instanceof Scalar scalar) || scalar.kind() != ScalarKind.STRING) {
        report(grant.value().position(), path + "." + tenant + ": expected a role (admin, tenant-admin, writer or reader), got " + grant.value().kindName());
        continue;
      }
      Role role;
      try {
        role = Role.parse(scalar.text());
      } catch (IllegalArgumentException e) {
        report(scalar.position(), path + "." + tenant + ": " + e.getMessage());
        continue;
      }
      if (tenant.equals(Principal.ALL_TENANTS) && role != Role.ADMIN) {
        report(scalar.position(), path + ".\"*\": every tenant can only be granted with role admin, got " + role.text()
            + "; name the tenants one by one for other roles");
        continue;
      }
      grants.put(tenant, role);
    }
    return grants;
  }

  private void readTenants(Node node, FileDraft draft) {
    if (isNull(node)) {
      return;
    }
    Mapping tenants = mapping(node, "tenants", "a mapping from tenant ID to its overrides");
    if (tenants == null) {
      return;
    }
    for (Entry entry : tenants.entries().values()) {
      Optional<String> invalid = TenantIds.problem(entry.key());
      if (invalid.isPresent()) {
        report(entry.keyPosition(), "tenants: invalid tenant ID '" + entry.key() + "': " + invalid.get());
        continue;
      }
      SettingsDraft settings = isNull(entry.value()) ? new SettingsDraft() : settings(entry.value(), "tenants." + entry.key());
      if (settings != null) {
        draft.tenants.put(entry.key(), new Located<>(file, entry.keyPosition(), settings));
      }
    }
  }

  private SettingsDraft settings(Node node, String path) {
    SettingsDraft draft = new SettingsDraft();
    if (isNull(node)) {
      return draft;
    }
    Mapping mapping = mapping(node, path, "a mapping with the sections limits, retention, prometheus");
    if (mapping == null) {
      return null;
    }
    for (Entry entry : knownEntries(mapping, ConfigKeys.SETTINGS, path)) {
      String entryPath = path + "." + entry.key();
      if (isNull(entry.value())) {
        continue;
      }
      switch (entry.key()) {
        case "limits" -> {
          Mapping limits = mapping(entry.value(), entryPath, "a mapping of limits");
          if (limits != null) {
            for (Entry limit : knownEntries(limits, ConfigKeys.LIMITS, entryPath)) {
              Key key = ConfigKeys.table(ConfigKeys.LIMITS).get(limit.key());
              String limitPath = entryPath + "." + limit.key();
              Object value = switch (key.kind()) {
                case SECTION -> OtlpConfigReader.read(limit.value(), limitPath, this::report);
                case NAME_LIST -> OtlpConfigReader.nameList(limit.value(), limitPath, this::report);
                default -> scalarValue(limit.value(), key.kind(), limitPath);
              };
              if (value != null) {
                draft.limits.put(limit.key(), value);
              }
            }
          }
        }
        case "retention" -> readRetention(entry.value(), entryPath, draft);
        case "prometheus" -> {
          Mapping prometheus = mapping(entry.value(), entryPath,
              "a mapping with the keys url, bearer_token, bearer_token_file, username, password, password_file, org_id");
          if (prometheus != null) {
            draft.prometheus = new Located<>(file, prometheus.position(), prometheus(prometheus, entryPath));
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    return draft;
  }

  /**
   * Reads a {@code prometheus} section. Within it: an inline secret or its {@code _file}, not
   * both; a bearer token or HTTP Basic, not both; a username with a password. Each problem is at
   * the key that made it one (the later of two that clash).
   */
  private PrometheusDraft prometheus(Mapping mapping, String path) {
    PrometheusDraft draft = new PrometheusDraft();
    Entry bearer = null;
    Entry basicUser = null;
    Entry basicPassword = null;
    boolean clash = false;
    for (Entry entry : knownEntries(mapping, ConfigKeys.PROMETHEUS, path)) {
      String entryPath = path + "." + entry.key();
      Key key = ConfigKeys.table(ConfigKeys.PROMETHEUS).get(entry.key());
      if (entry.key().equals("url")) {
        draft.urlGiven = true;
      }
      Entry earlier = switch (entry.key()) {
        case "bearer_token", "bearer_token_file" -> bearer != null ? bearer : basicUser != null ? basicUser : basicPassword;
        case "username" -> bearer;
        case "password", "password_file" -> basicPassword != null ? basicPassword : bearer;
        default -> null;
      };
      if (earlier != null) {
        clash = true;
        report(entry.keyPosition(), entryPath + ": " + clashReason(entry.key(), earlier));
      }
      switch (entry.key()) {
        case "bearer_token", "bearer_token_file" -> bearer = bearer == null ? entry : bearer;
        case "username" -> basicUser = entry;
        case "password", "password_file" -> basicPassword = basicPassword == null ? entry : basicPassword;
        default -> {}
      }
      Object value = scalarValue(entry.value(), key.kind(), entryPath);
      if (value == null) {
        continue;
      }
      switch (entry.key()) {
        case "url" -> draft.url = (URI) value;
        case "bearer_token", "bearer_token_file" -> draft.bearerToken = Optional.of((String) value);
        case "username" -> {
          if (((String) value).indexOf(':') >= 0) {
            report(entry.value().position(), entryPath + ": must not contain ':' (HTTP Basic separates the username from the password with one)");
          } else {
            draft.username = Optional.of((String) value);
          }
        }
        case "password", "password_file" -> draft.password = Optional.of((String) value);
        case "org_id" -> draft.orgId = (String) value;
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    draft.credentialsGiven = bearer != null || basicUser != null || basicPassword != null;
    if (!clash && basicUser != null && basicPassword == null) {
      report(basicUser.keyPosition(), path + ".username: needs password or password_file");
    }
    if (!clash && basicPassword != null && basicUser == null) {
      report(basicPassword.keyPosition(), path + "." + basicPassword.key() + ": needs username");
    }
    return draft;
  }

  private static String clashReason(String key, Entry earlier) {
    String where = "line " + earlier.keyPosition().line() + " column " + earlier.keyPosition().column();
    if (key.replace("_file", "").equals(earlier.key().replace("_file", ""))) {
      return "'" + earlier.key() + "' is already set (at " + where + "); give the secret inline or in a file, not both";
    }
    return "cannot be combined with '" + earlier.key() + "' (at " + where
        + "): a request carries one Authorization header, a bearer token or HTTP Basic (username and password)";
  }

  /** A secret file's content, stripped; relative paths resolve against this tenants file's directory. */
  private String readSecretFile(String name) {
    Path path = Path.of(name);
    if (!path.isAbsolute()) {
      Path directory;
      try {
        directory = Path.of(file).toAbsolutePath().getParent();
      } catch (InvalidPathException e) {
        directory = null;
      }
      path = directory == null ? path.toAbsolutePath() : directory.resolve(path);
    }
    String content;
    try {
      content = Files.readString(path).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + path + ": file does not exist", e);
    } catch (MalformedInputException e) {
      throw new IllegalArgumentException("cannot read " + path + ": file is not UTF-8 text", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + ": " + e, e);
    }
    Optional<String> problem = PrometheusSettings.headerValueProblem(content);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("the secret in " + path + " " + problem.get());
    }
    return content;
  }

  private void readRetention(Node node, String path, SettingsDraft draft) {
    Mapping retention = mapping(node, path, "a mapping with the keys period, retention_stream");
    if (retention == null) {
      return;
    }
    for (Entry entry : knownEntries(retention, ConfigKeys.RETENTION, path)) {
      String entryPath = path + "." + entry.key();
      if (entry.key().equals("period")) {
        Object period = scalarValue(entry.value(), Kind.DURATION, entryPath);
        if (period != null) {
          draft.retentionPeriod = (Duration) period;
        }
        continue;
      }
      if (isNull(entry.value())) {
        draft.streamRules = List.of();
        continue;
      }
      if (!(entry.value() instanceof Sequence rules)) {
        report(entry.value().position(), entryPath + ": expected a list of rules {selector, period, priority}, got " + entry.value().kindName());
        continue;
      }
      List<RetentionPolicy.StreamRule> parsed = new ArrayList<>();
      for (int i = 0; i < rules.items().size(); i++) {
        RetentionPolicy.StreamRule rule = streamRule(rules.items().get(i), entryPath + "[" + i + "]");
        if (rule != null) {
          parsed.add(rule);
        }
      }
      draft.streamRules = parsed;
    }
  }

  private RetentionPolicy.StreamRule streamRule(Node node, String path) {
    Mapping mapping = mapping(node, path, "a mapping with the keys selector, period, priority");
    if (mapping == null) {
      return null;
    }
    String selector = null;
    Duration period = null;
    long priority = 0;
    boolean valid = true;
    for (Entry entry : knownEntries(mapping, ConfigKeys.RETENTION_STREAM, path)) {
      Key key = ConfigKeys.table(ConfigKeys.RETENTION_STREAM).get(entry.key());
      Object value = scalarValue(entry.value(), key.kind(), path + "." + entry.key());
      if (value == null) {
        valid = false;
        continue;
      }
      switch (entry.key()) {
        case "selector" -> selector = (String) value;
        case "period" -> period = (Duration) value;
        case "priority" -> priority = (Long) value;
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    if (!mapping.entries().containsKey("selector")) {
      report(mapping.position(), path + ": missing required key 'selector'");
      valid = false;
    }
    if (!mapping.entries().containsKey("period")) {
      report(mapping.position(), path + ": missing required key 'period'");
      valid = false;
    }
    return valid && selector != null && period != null ? new RetentionPolicy.StreamRule(selector, period, (int) priority) : null;
  }

  private RoutingDraft routing(Node node) {
    if (isNull(node)) {
      return null;
    }
    Mapping mapping = mapping(node, "routing", "a mapping with the keys label, map, default_tenant");
    if (mapping == null) {
      return null;
    }
    RoutingDraft draft = new RoutingDraft();
    for (Entry entry : knownEntries(mapping, ConfigKeys.ROUTING, "routing")) {
      String path = "routing." + entry.key();
      switch (entry.key()) {
        case "label" -> draft.label = (String) scalarValue(entry.value(), Kind.LABEL_NAME, path);
        case "default_tenant" -> {
          String tenant = (String) scalarValue(entry.value(), Kind.DEFAULT_TENANT, path);
          if (tenant != null) {
            draft.defaultTenant = tenant;
            draft.defaultTenantPosition = entry.value().position();
          }
        }
        case "map" -> {
          if (isNull(entry.value())) {
            continue;
          }
          Mapping routes = mapping(entry.value(), path, "a mapping from label value to tenant ID");
          if (routes == null) {
            continue;
          }
          for (Entry route : routes.entries().values()) {
            if (route.value() instanceof Scalar scalar && scalar.kind() != ScalarKind.NULL && !(scalar.kind() == ScalarKind.STRING && scalar.text().isEmpty())) {
              Optional<String> invalid = TenantIds.problem(scalar.text());
              if (invalid.isPresent()) {
                report(scalar.position(), path + "." + route.key() + ": invalid tenant ID '" + scalar.text() + "': " + invalid.get());
              } else {
                draft.routes.add(new Route(route.key(), scalar.text(), scalar.position()));
              }
            } else {
              report(route.value().position(), path + "." + route.key() + ": expected a tenant ID, got " + route.value().kindName());
            }
          }
        }
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    if (!mapping.entries().containsKey("label")) {
      report(mapping.position(), "routing: missing required key 'label'");
    }
    return draft;
  }

  private PriceSheet pricing(Node node) {
    if (isNull(node)) {
      return null;
    }
    Mapping mapping = mapping(node, "pricing", "a mapping with the keys currency, ingested_per_gb, stored_per_gb_month, scanned_per_gb, write_requests_per_1000, read_requests_per_1000");
    if (mapping == null) {
      return null;
    }
    String currency = "EUR";
    BigDecimal ingested = BigDecimal.ZERO;
    BigDecimal stored = BigDecimal.ZERO;
    BigDecimal scanned = BigDecimal.ZERO;
    BigDecimal writeRequests = BigDecimal.ZERO;
    BigDecimal readRequests = BigDecimal.ZERO;
    boolean valid = true;
    for (Entry entry : knownEntries(mapping, ConfigKeys.PRICING, "pricing")) {
      Key key = ConfigKeys.table(ConfigKeys.PRICING).get(entry.key());
      Object value = scalarValue(entry.value(), key.kind(), "pricing." + entry.key());
      if (value == null) {
        valid = false;
        continue;
      }
      switch (entry.key()) {
        case "currency" -> currency = (String) value;
        case "ingested_per_gb" -> ingested = (BigDecimal) value;
        case "stored_per_gb_month" -> stored = (BigDecimal) value;
        case "scanned_per_gb" -> scanned = (BigDecimal) value;
        case "write_requests_per_1000" -> writeRequests = (BigDecimal) value;
        case "read_requests_per_1000" -> readRequests = (BigDecimal) value;
        default -> throw new IllegalStateException("key table and reader disagree on '" + entry.key() + "'");
      }
    }
    return valid ? new PriceSheet(currency, ingested, stored, scanned, writeRequests, readRequests) : null;
  }

  /** The entries of a mapping whose keys the table knows; reports the others with a suggestion. */
  private List<Entry> knownEntries(Mapping mapping, String table, String path) {
    Map<String, Key> keys = ConfigKeys.table(table);
    List<Entry> known = new ArrayList<>();
    for (Entry entry : mapping.entries().values()) {
      if (keys.containsKey(entry.key())) {
        known.add(entry);
        continue;
      }
      String where = path.isEmpty() ? "at the top level" : "in " + path;
      List<String> names = List.copyOf(keys.keySet());
      Optional<String> suggestion = ConfigKeys.suggestion(entry.key(), names);
      report(entry.keyPosition(), "unknown key '" + entry.key() + "' " + where
          + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("; known keys: " + String.join(", ", names)));
    }
    return known;
  }

  private Mapping mapping(Node node, String path, String expected) {
    if (node instanceof Mapping mapping) {
      return mapping;
    }
    report(node.position(), path + ": expected " + expected + ", got " + node.kindName());
    return null;
  }

  /** Parses a scalar of a kind; reports and returns null when it is not one. */
  private Object scalarValue(Node node, Kind kind, String path) {
    if (!(node instanceof Scalar scalar) || scalar.kind() == ScalarKind.NULL) {
      report(node.position(), path + ": expected " + describe(kind) + ", got " + node.kindName());
      return null;
    }
    String text = scalar.text();
    try {
      return switch (kind) {
        case DURATION -> {
          if (scalar.kind() == ScalarKind.INTEGER && !text.equals("0")) {
            throw new IllegalArgumentException("a duration needs a unit: write " + text + "s, " + text + "m or " + text + "h");
          }
          if (scalar.kind() != ScalarKind.STRING && scalar.kind() != ScalarKind.INTEGER) {
            throw wrongKind(kind, scalar);
          }
          yield LokiUnits.parseDuration(text);
        }
        case SIZE -> {
          if (scalar.kind() == ScalarKind.INTEGER) {
            yield nonNegative(Long.parseLong(text), text);
          }
          if (scalar.kind() != ScalarKind.STRING) {
            throw wrongKind(kind, scalar);
          }
          yield LokiUnits.parseBytes(text);
        }
        case COUNT, PRIORITY -> {
          if (scalar.kind() != ScalarKind.INTEGER) {
            throw wrongKind(kind, scalar);
          }
          long value = Long.parseLong(text);
          if (kind == Kind.COUNT) {
            nonNegative(value, text);
          }
          if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("must be at most " + Integer.MAX_VALUE + ", got " + text);
          }
          yield value;
        }
        case MEGABYTES -> {
          if (scalar.kind() != ScalarKind.INTEGER && scalar.kind() != ScalarKind.FLOAT) {
            throw wrongKind(kind, scalar);
          }
          double value = Double.parseDouble(text);
          if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("must not be negative, got " + text);
          }
          yield value;
        }
        case PRICE -> {
          if (scalar.kind() != ScalarKind.INTEGER && scalar.kind() != ScalarKind.FLOAT) {
            throw wrongKind(kind, scalar);
          }
          BigDecimal value = new BigDecimal(text);
          if (value.signum() < 0) {
            throw new IllegalArgumentException("must not be negative, got " + text);
          }
          yield value;
        }
        case BOOLEAN -> {
          if (scalar.kind() != ScalarKind.BOOLEAN) {
            throw wrongKind(kind, scalar);
          }
          yield Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
        }
        case CURRENCY -> {
          if (scalar.kind() != ScalarKind.STRING || !CURRENCY.matcher(text).matches()) {
            throw new IllegalArgumentException("expected a 3-letter ISO 4217 currency code such as EUR or USD, got " + scalar.kindName());
          }
          yield text;
        }
        case LABEL_NAME -> {
          if (scalar.kind() != ScalarKind.STRING || !SelectorSyntax.isLabelName(text)) {
            throw new IllegalArgumentException("expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), got " + scalar.kindName());
          }
          yield text;
        }
        case SELECTOR -> {
          if (scalar.kind() != ScalarKind.STRING) {
            throw wrongKind(kind, scalar);
          }
          Optional<String> problem = selectorProblem.apply(text);
          if (problem.isPresent()) {
            throw new IllegalArgumentException("invalid stream selector '" + text + "': " + problem.get());
          }
          yield text;
        }
        case DEFAULT_TENANT -> {
          if (scalar.kind() != ScalarKind.STRING) {
            throw wrongKind(kind, scalar);
          }
          Optional<String> invalid = TenantIds.problem(text);
          if (invalid.isPresent()) {
            throw new IllegalArgumentException("invalid tenant ID '" + text + "': " + invalid.get());
          }
          yield text;
        }
        case URL -> {
          if (scalar.kind() != ScalarKind.STRING) {
            throw wrongKind(kind, scalar);
          }
          Optional<String> problem = PrometheusSettings.urlProblem(text);
          if (problem.isPresent()) {
            // Not quoted: a URL with credentials in it would print them.
            throw new IllegalArgumentException(problem.get());
          }
          yield URI.create(text);
        }
        case TEXT, SECRET -> {
          if (scalar.kind() != ScalarKind.STRING) {
            // A secret's value is never quoted, not even a mistyped one.
            String got = kind == Kind.SECRET ? (scalar.kind() == ScalarKind.BOOLEAN ? "a boolean" : "a number") : scalar.kindName();
            throw new IllegalArgumentException("expected a string, got " + got + "; write it in quotes");
          }
          Optional<String> problem = PrometheusSettings.headerValueProblem(text);
          if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
          }
          yield text;
        }
        case SECRET_FILE -> {
          if (scalar.kind() != ScalarKind.STRING || text.isEmpty()) {
            throw wrongKind(kind, scalar);
          }
          yield readSecretFile(text);
        }
        case SECTION, TENANT_MAP, RULE_LIST, ROUTE_MAP, NAME_LIST, ATTRIBUTE_ACTION, REGEX, GROUP_MAP ->
            throw new IllegalStateException("not read by scalarValue: " + kind);
      };
    } catch (IllegalArgumentException e) {
      report(scalar.position(), path + ": " + e.getMessage());
      return null;
    }
  }

  private IllegalArgumentException wrongKind(Kind kind, Scalar scalar) {
    return new IllegalArgumentException("expected " + describe(kind) + ", got " + scalar.kindName());
  }

  private long nonNegative(long value, String text) {
    if (value < 0) {
      throw new IllegalArgumentException("must not be negative, got " + text);
    }
    return value;
  }

  private void report(Position position, String message) {
    problems.add(new ConfigProblem(file, position.line(), position.column(), message));
  }
  private static boolean isNull(Node node) {
    return node instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL;
  }

  static String describe(Kind kind) {
    return switch (kind) {
      case DURATION -> "a duration such as 168h, 10m or 1h30m";
      case SIZE -> "a size such as 256KB or 1MiB";
      case COUNT -> "a whole number";
      case PRIORITY -> "a whole number";
      case MEGABYTES -> "a number of MB";
      case PRICE -> "a price (a number)";
      case BOOLEAN -> "true or false";
      case CURRENCY -> "a currency code such as EUR";
      case LABEL_NAME -> "a label name";
      case SELECTOR -> "a stream selector such as {app=\"debug\"}";
      case DEFAULT_TENANT -> "a tenant ID or reject";
      case URL -> "an http or https URL such as http://prometheus:9090";
      case TEXT, SECRET -> "a string";
      case SECRET_FILE -> "the path of a file";
      case SECTION -> "a mapping";
      case TENANT_MAP -> "a mapping from tenant ID to overrides";
      case RULE_LIST -> "a list of rules";
      case ROUTE_MAP -> "a mapping from label value to tenant ID";
      case NAME_LIST -> "a list of names";
      case ATTRIBUTE_ACTION -> "index_label, structured_metadata or drop";
      case REGEX -> "a regular expression";
      case GROUP_MAP -> "a mapping from group name to {tenant: role}";
    };
  }
}
