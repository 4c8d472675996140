package dev.tonari.tenancy.config;

import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.config.YamlTree.Entry;
import dev.tonari.tenancy.config.TenantFileDrafts.FileDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.Located;
import dev.tonari.tenancy.config.TenantFileDrafts.PrometheusDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.RoutingDraft;
import dev.tonari.tenancy.config.TenantFileDrafts.Route;
import dev.tonari.tenancy.config.TenantFileDrafts.SettingsDraft;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
      TenantFileReader reader = new TenantFileReader(document.getKey(), problems, selectorProblem);
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

}
