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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads tenants files into a {@link TenantConfig}, or into every problem found, each with its file,
 * line and column. Nothing is half-applied: a result is either a complete valid config or a list
 * of problems.
 *
 * <p>The format (see {@code docs/tenants.schema.json} and {@code tenancy/RATIONALE.md}):
 *
 * <pre>
 * defaults:                 # every tenant
 *   limits: {ingestion_rate_mb: 4, max_line_size: 256KB, query_timeout: 1m, ...}
 *   retention:
 *     period: 744h
 *     retention_stream: [{selector: '{app="debug"}', period: 24h, priority: 1}]
 *   prometheus: {url: https://mimir.example/prometheus, bearer_token_file: mimir-token, org_id: platform}
 * tenants:                  # declared tenants and their overrides
 *   team-a: {limits: {ingestion_rate_mb: 8}, prometheus: {org_id: team-a}}
 *   shared:
 * routing: {label: namespace, map: {team-a-ns: team-a}, default_tenant: shared}   # or reject
 * pricing: {currency: EUR, ingested_per_gb: 0.50, stored_per_gb_month: 0.02, scanned_per_gb: 0.005}
 * sso: {groups_claim: groups, groups: {team-a-admins: {team-a: tenant-admin}, sre: {"*": admin}}}
 * </pre>
 *
 * <p>Several files (a directory is read as its {@code *.yaml} and {@code *.yml} files in name
 * order) merge: each tenant may be declared in one file only, and {@code defaults}, {@code
 * routing}, {@code pricing} and {@code sso} may each appear in one file only, so a team's file cannot silently
 * override the platform team's. Tenant overrides apply over the defaults key by key; a tenant's
 * {@code retention_stream} replaces the default list.
 *
 * <p>{@code prometheus} merges so that no credential goes where it was not meant to: a tenant's
 * {@code prometheus} with a {@code url} names another server and takes nothing from the defaults';
 * one without keeps the defaults' server and overrides {@code org_id} and the credentials, which
 * count as one group (setting any of {@code bearer_token}, {@code bearer_token_file}, {@code
 * username}, {@code password}, {@code password_file} replaces all of the defaults'). The {@code
 * *_file} keys are read at load time, relative to the directory of the tenants file that names
 * them, stripped of surrounding white space (a trailing newline), as Prometheus reads its own; a
 * file that cannot be read is a problem at its value. No problem quotes a secret.
 */
public final class TenantConfigLoader {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final TenantSettings baseDefaults;
  private final Function<String, Optional<String>> selectorProblem;

  /** Loki's defaults underneath, and the built-in minimal selector check. */
  public TenantConfigLoader() {
    this(TenantSettings.defaults(), SelectorSyntax::problem);
  }

  /**
   * @param baseDefaults what applies where the files say nothing (the server passes its own
   *     config's limits and retention)
   * @param selectorProblem why a {@code retention_stream} selector is invalid, or empty; the
   *     server injects the LogQL parser here
   */
  public TenantConfigLoader(TenantSettings baseDefaults, Function<String, Optional<String>> selectorProblem) {
    this.baseDefaults = Objects.requireNonNull(baseDefaults, "baseDefaults");
    this.selectorProblem = Objects.requireNonNull(selectorProblem, "selectorProblem");
  }

  /** The outcome of a load: a config, or the problems that prevent one. */
  public sealed interface LoadResult {
    record Loaded(TenantConfig config) implements LoadResult {}

    record Invalid(List<ConfigProblem> problems) implements LoadResult {
      public Invalid {
        problems = List.copyOf(problems);
      }
    }
  }

  /**
   * The files a list of paths stands for: files as given, directories as their {@code *.yaml} and
   * {@code *.yml} files in name order (not recursive).
   */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> listing = Files.list(path)) {
          listing.filter(p -> {
                String name = p.getFileName().toString();
                return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"));
              })
              .sorted()
              .forEach(files::add);
        }
      } else {
        files.add(path);
      }
    }
    return files;
  }

  /** Loads and merges files and directories. An unreadable file is a problem at 1:1 of that file. */
  public LoadResult load(List<Path> paths) {
    List<ConfigProblem> problems = new ArrayList<>();
    List<Map.Entry<String, String>> sources = new ArrayList<>();
    List<Path> files;
    try {
      files = expand(paths);
    } catch (IOException e) {
      return new LoadResult.Invalid(List.of(new ConfigProblem(String.valueOf(paths), 1, 1, "cannot list tenants files: " + e)));
    }
    for (Path file : files) {
      try {
        sources.add(Map.entry(file.toString(), Files.readString(file)));
      } catch (NoSuchFileException e) {
        problems.add(new ConfigProblem(file.toString(), 1, 1, "file does not exist"));
      } catch (MalformedInputException e) {
        problems.add(new ConfigProblem(file.toString(), 1, 1, "file is not UTF-8 text"));
      } catch (IOException e) {
        problems.add(new ConfigProblem(file.toString(), 1, 1, "cannot read file: " + e));
      }
    }
    if (!problems.isEmpty()) {
      return new LoadResult.Invalid(problems);
    }
    return parseAll(sources);
  }

  /** Parses one document; {@code file} names it in problems. */
  public LoadResult parse(String text, String file) {
    return parseAll(List.of(Map.entry(file, text)));
  }

  /** Parses and merges several documents (file name, text), in the given order. */
  public LoadResult parseAll(List<Map.Entry<String, String>> documents) {
    List<ConfigProblem> problems = new ArrayList<>();
    List<FileDraft> drafts = new ArrayList<>();
    for (Map.Entry<String, String> document : documents) {
      FileReader reader = new FileReader(document.getKey(), problems);
      drafts.add(reader.read(document.getValue()));
    }
    TenantConfig config = merge(drafts, problems);
    if (!problems.isEmpty()) {
      Collections.sort(problems);
      return new LoadResult.Invalid(problems);
    }
    return new LoadResult.Loaded(config);
  }

  // ---- merging across files ----

  private record Located<T>(String file, Position position, T value) {
    String where() {
      return file + " at line " + position.line() + " column " + position.column();
    }
  }

  private static final class SettingsDraft {
    final Map<String, Object> limits = new LinkedHashMap<>();
    Duration retentionPeriod;
    List<RetentionPolicy.StreamRule> streamRules;
    Located<PrometheusDraft> prometheus;
  }

  /** A {@code prometheus} section as one file wrote it, secrets already read from their files. */
  private static final class PrometheusDraft {
    boolean urlGiven;
    URI url;
    boolean credentialsGiven;
    Optional<String> bearerToken = Optional.empty();
    Optional<String> username = Optional.empty();
    Optional<String> password = Optional.empty();
    String orgId;

    /** This section over the one it overrides; only called once {@link #checkUrl} found nothing. */
    PrometheusSettings over(Optional<PrometheusSettings> base) {
      if (url != null) {
        return new PrometheusSettings(url, bearerToken, username, password, Optional.ofNullable(orgId));
      }
      PrometheusSettings inherited = base.orElseThrow(() -> new IllegalStateException("a prometheus without url was not checked"));
      return new PrometheusSettings(inherited.url(),
          credentialsGiven ? bearerToken : inherited.bearerToken(),
          credentialsGiven ? username : inherited.username(),
          credentialsGiven ? password : inherited.password(),
          orgId != null ? Optional.of(orgId) : inherited.orgId());
    }
  }

  private record Route(String value, String tenant, Position position) {}

  private static final class RoutingDraft {
    String label;
    final List<Route> routes = new ArrayList<>();
    String defaultTenant;
    Position defaultTenantPosition;
  }

  /** What one file contributes; every part carries its own file and position. */
  private static final class FileDraft {
    Located<SettingsDraft> defaults;
    final Map<String, Located<SettingsDraft>> tenants = new LinkedHashMap<>();
    Located<RoutingDraft> routing;
    Located<PriceSheet> pricing;
    Located<GroupMapping> sso;
  }

  private TenantConfig merge(List<FileDraft> drafts, List<ConfigProblem> problems) {
    Located<SettingsDraft> defaults = null;
    Map<String, Located<SettingsDraft>> tenants = new LinkedHashMap<>();
    Located<RoutingDraft> routing = null;
    Located<PriceSheet> pricing = null;
    Located<GroupMapping> sso = null;
    for (FileDraft draft : drafts) {
      if (draft.defaults != null) {
        if (defaults != null) {
          problems.add(problem(draft.defaults, "defaults: section 'defaults' is already set in " + defaults.where()));
        } else {
          defaults = draft.defaults;
        }
      }
      for (Map.Entry<String, Located<SettingsDraft>> tenant : draft.tenants.entrySet()) {
        Located<SettingsDraft> previous = tenants.putIfAbsent(tenant.getKey(), tenant.getValue());
        if (previous != null) {
          problems.add(problem(tenant.getValue(), "tenants: tenant '" + tenant.getKey() + "' is already declared in " + previous.where()));
        }
      }
      if (draft.routing != null) {
        if (routing != null) {
          problems.add(problem(draft.routing, "routing: section 'routing' is already set in " + routing.where()));
        } else {
          routing = draft.routing;
        }
      }
      if (draft.pricing != null) {
        if (pricing != null) {
          problems.add(problem(draft.pricing, "pricing: section 'pricing' is already set in " + pricing.where()));
        } else {
          pricing = draft.pricing;
        }
      }
      if (draft.sso != null) {
        if (sso != null) {
          problems.add(problem(draft.sso, "sso: section 'sso' is already set in " + sso.where()));
        } else {
          sso = draft.sso;
        }
      }
    }
    Optional<RoutingRule> routingRule = Optional.empty();
    if (routing != null) {
      routingRule = checkRouting(routing, tenants.keySet(), problems);
    }
    boolean basePrometheus = baseDefaults.prometheus().isPresent();
    if (defaults != null) {
      checkUrl(defaults.value(), "defaults", basePrometheus, problems);
    }
    boolean defaultsPrometheus = basePrometheus || (defaults != null && defaults.value().prometheus != null);
    tenants.forEach((tenant, draft) -> checkUrl(draft.value(), "tenants." + tenant, defaultsPrometheus, problems));
    if (!problems.isEmpty()) {
      return null;
    }
    TenantSettings effectiveDefaults = defaults == null ? baseDefaults : apply(baseDefaults, defaults.value());
    Map<String, TenantSettings> effectiveTenants = new LinkedHashMap<>();
    tenants.forEach((tenant, draft) -> effectiveTenants.put(tenant, apply(effectiveDefaults, draft.value())));
    return new TenantConfig(effectiveDefaults, effectiveTenants, routingRule, pricing == null ? PriceSheet.free() : pricing.value(),
        sso == null ? GroupMapping.none() : sso.value());
  }

  private static Optional<RoutingRule> checkRouting(Located<RoutingDraft> routing, java.util.Set<String> declared, List<ConfigProblem> problems) {
    RoutingDraft draft = routing.value();
    String declaredList = declared.isEmpty() ? "none" : String.join(", ", new TreeSet<>(declared));
    Map<String, String> map = new LinkedHashMap<>();
    for (Route route : draft.routes) {
      if (!declared.contains(route.tenant())) {
        problems.add(new ConfigProblem(routing.file(), route.position().line(), route.position().column(),
            "routing.map." + route.value() + ": routes to tenant '" + route.tenant() + "', which is not declared under tenants (declared: " + declaredList + ")"));
      }
      map.put(route.value(), route.tenant());
    }
    Optional<String> defaultTenant = Optional.empty();
    if (draft.defaultTenant != null && !draft.defaultTenant.equals(RoutingRule.REJECT)) {
      if (!declared.contains(draft.defaultTenant)) {
        problems.add(new ConfigProblem(routing.file(), draft.defaultTenantPosition.line(), draft.defaultTenantPosition.column(),
            "routing.default_tenant: tenant '" + draft.defaultTenant + "' is not declared under tenants (declared: " + declaredList
                + "); use 'reject' to refuse unrouted streams"));
      }
      defaultTenant = Optional.of(draft.defaultTenant);
    }
    // Without a (valid) label the problem is already reported; the routes are still checked above.
    return draft.label == null ? Optional.empty() : Optional.of(new RoutingRule(draft.label, map, defaultTenant));
  }

  /** A {@code prometheus} without {@code url} needs one underneath to take the server from. */
  private static void checkUrl(SettingsDraft settings, String path, boolean inheritable, List<ConfigProblem> problems) {
    Located<PrometheusDraft> prometheus = settings.prometheus;
    if (prometheus == null || prometheus.value().urlGiven || inheritable) {
      return;
    }
    problems.add(problem(prometheus, path + ".prometheus: missing required key 'url'"
        + (path.equals("defaults") ? "" : " (without it a tenant keeps the defaults' server, and the defaults set no prometheus)")));
  }

  private static TenantSettings apply(TenantSettings base, SettingsDraft draft) {
    TenantLimits.Builder limits = base.limits().toBuilder();
    draft.limits.forEach(limits::set);
    RetentionPolicy retention = new RetentionPolicy(
        draft.retentionPeriod != null ? draft.retentionPeriod : base.retention().period(),
        draft.streamRules != null ? draft.streamRules : base.retention().streamRules());
    Optional<PrometheusSettings> prometheus = draft.prometheus == null ? base.prometheus() : Optional.of(draft.prometheus.value().over(base.prometheus()));
    return new TenantSettings(limits.build(), retention, prometheus);
  }

  private static ConfigProblem problem(Located<?> located, String message) {
    return new ConfigProblem(located.file(), located.position().line(), located.position().column(), message);
  }

  // ---- one file ----

  /** Validates one document's tree against {@link ConfigKeys}, collecting every problem. */
  private final class FileReader {
    private final String file;
    private final List<ConfigProblem> problems;

    FileReader(String file, List<ConfigProblem> problems) {
      this.file = file;
      this.problems = problems;
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
