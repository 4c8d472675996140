package dev.tonari.rules.store;

import dev.tonari.rules.RulerSettings;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleSource;
import dev.tonari.tenancy.config.ConfigProblem;
import dev.tonari.tenancy.config.TenantIds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's rule namespaces: reviewed files of {@code ruler.rules_dir}
 * ({@link RuleNamespace.Origin#FILE}, polled every {@code ruler.poll_interval} once
 * {@link #start}ed) and namespaces written through Loki's rules API
 * ({@link RuleNamespace.Origin#API}, stored under {@code <data_dir>/rules} and read back at start).
 *
 * <p>A namespace a file defines cannot be changed through the API, and {@value
 * RuleNamespace#SLO_NAMESPACE} is reserved for the rules generated from SLOs: both are refused with
 * {@link RuleStoreException.Reason#CONFLICT}. If a file appears for a namespace already written
 * through the API, the file wins and the shadowed API namespace is reported in {@link #problems()}.
 *
 * <p>Reads see an immutable snapshot and never wait; changes are serialized, written to disk
 * before they are visible, and then announced to the {@link #addChangeListener listeners} (the
 * ruler re-reads its groups).
 */
public final class RuleStore implements RuleSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuleStore.class);

  private final RulerSettings settings;
  private final RuleStoreLimits limits;
  private final Optional<RuleDirectory> directory;
  private final ApiNamespaceFiles apiFiles;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final List<ConfigProblem> storedProblems;
  private ScheduledExecutorService poller;

  private volatile Map<String, Map<String, RuleDirectory.FileNamespace>> fileNamespaces = Map.of();
  private volatile Map<String, Map<String, RuleNamespace>> apiNamespaces;
  private volatile List<ConfigProblem> problems = List.of();

  /**
   * Reads the API namespaces under {@code <dataDirectory>/rules} and, with a rules directory, its
   * files once; call {@link #start} to keep polling the directory.
   */
  public RuleStore(RulerSettings settings, Path dataDirectory, RuleStoreLimits limits) throws IOException {
    this.settings = settings;
    this.limits = limits;
    this.directory = settings.rulesDirectory().map(path -> new RuleDirectory(path, limits));
    this.apiFiles = new ApiNamespaceFiles(dataDirectory.resolve("rules"));
    List<ConfigProblem> found = new ArrayList<>();
    this.apiNamespaces = apiFiles.loadAll(found);
    this.storedProblems = List.copyOf(found);
    reloadFiles();
  }

  /** Polls the rules directory every {@code ruler.poll_interval} on a daemon thread; without a directory, does nothing. */
  public synchronized void start() {
    if (directory.isEmpty() || poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tonari-rules-poll");
      thread.setDaemon(true);
      return thread;
    });
    long millis = settings.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(() -> {
      try {
        reloadFiles();
      } catch (RuntimeException e) {
        log.error("rescanning the rules directory {} failed; retrying in {}", directory.get().directory(), settings.pollInterval(), e);
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Scans the rules directory now (the poller does so every interval); listeners hear of any change. */
  public void reloadFiles() {
    boolean changed;
    synchronized (this) {
      if (directory.isEmpty()) {
        refreshProblems();
        return;
      }
      changed = directory.get().scan();
      fileNamespaces = directory.get().namespaces();
      refreshProblems();
    }
    if (changed) {
      announce();
    }
  }

  public RulerSettings settings() {
    return settings;
  }

  public RuleStoreLimits limits() {
    return limits;
  }

  /** Problems of the rule files (the last good version of each stays in force), of stored files, and shadowed API namespaces. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** Called after every change of any tenant's rules (API write, file change); runs on the changing thread. */
  public void addChangeListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public Set<String> tenants() {
    Set<String> tenants = new TreeSet<>(fileNamespaces.keySet());
    tenants.addAll(apiNamespaces.keySet());
    return tenants;
  }

  @Override
  public List<RuleNamespace> namespaces(String tenant) {
    return listNamespaces(tenant);
  }

  /** The tenant's namespaces, file and API, sorted by name; a file shadows an API namespace of its name. */
  public List<RuleNamespace> listNamespaces(String tenant) {
    Map<String, RuleNamespace> merged = new TreeMap<>(apiNamespaces.getOrDefault(tenant, Map.of()));
    fileNamespaces.getOrDefault(tenant, Map.of()).forEach((name, file) -> merged.put(name, file.namespace()));
    return List.copyOf(merged.values());
  }

  public Optional<RuleNamespace> namespace(String tenant, String name) {
    RuleDirectory.FileNamespace file = fileNamespaces.getOrDefault(tenant, Map.of()).get(name);
    if (file != null) {
      return Optional.of(file.namespace());
    }
    return Optional.ofNullable(apiNamespaces.getOrDefault(tenant, Map.of()).get(name));
  }

  public Optional<RuleGroup> group(String tenant, String namespace, String group) {
    return namespace(tenant, namespace).flatMap(found -> found.groups().stream().filter(g -> g.name().equals(group)).findFirst());
  }

  /** The rule file that owns a namespace, if a file does. */
  public Optional<Path> fileOf(String tenant, String namespace) {
    return Optional.ofNullable(fileNamespaces.getOrDefault(tenant, Map.of()).get(namespace)).map(RuleDirectory.FileNamespace::file);
  }

  /**
   * Replaces the namespace's group of the same name, or appends the group; creates the namespace
   * if needed. Durable when this returns.
   */
  public void putGroup(String tenant, String namespace, RuleGroup group) throws RuleStoreException {
    synchronized (this) {
      checkWritable(tenant, namespace);
      nameProblem(RuleNames.groupProblem(group.name()));
      List<RuleGroup> groups = new ArrayList<>(current(tenant, namespace).map(RuleNamespace::groups).orElse(List.of()));
      int index = indexOf(groups, group.name());
      if (index >= 0) {
        groups.set(index, group);
      } else {
        groups.add(group);
      }
      Optional<String> limit = limits.namespaceProblem(namespace, groups);
      if (limit.isPresent()) {
        throw new RuleStoreException(RuleStoreException.Reason.INVALID, "tenant " + tenant + ": " + limit.get());
      }
      store(tenant, new RuleNamespace(namespace, groups, RuleNamespace.Origin.API));
    }
    announce();
  }

  /** Deletes every group of an API namespace. */
  public void deleteNamespace(String tenant, String namespace) throws RuleStoreException {
    synchronized (this) {
      checkWritable(tenant, namespace);
      if (current(tenant, namespace).isEmpty()) {
        throw new RuleStoreException(RuleStoreException.Reason.NOT_FOUND, "group namespace does not exist");
      }
      store(tenant, new RuleNamespace(namespace, List.of(), RuleNamespace.Origin.API));
    }
    announce();
  }

  /** Deletes one group of an API namespace; the namespace goes with its last group. */
  public void deleteGroup(String tenant, String namespace, String group) throws RuleStoreException {
    synchronized (this) {
      checkWritable(tenant, namespace);
      List<RuleGroup> groups = new ArrayList<>(current(tenant, namespace).map(RuleNamespace::groups).orElse(List.of()));
      int index = indexOf(groups, group);
      if (index < 0) {
        throw new RuleStoreException(RuleStoreException.Reason.NOT_FOUND, "group does not exist");
      }
      groups.remove(index);
      store(tenant, new RuleNamespace(namespace, groups, RuleNamespace.Origin.API));
    }
    announce();
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }

  private void checkWritable(String tenant, String namespace) throws RuleStoreException {
    nameProblem(TenantIds.problem(tenant));
    nameProblem(RuleNames.namespaceProblem(namespace));
    if (!settings.apiEnabled()) {
      throw new RuleStoreException(RuleStoreException.Reason.API_DISABLED,
          "the rules API is read-only on this server (ruler.enable_api: false); change the rule files of ruler.rules_dir instead");
    }
    if (namespace.equals(RuleNamespace.SLO_NAMESPACE)) {
      throw new RuleStoreException(RuleStoreException.Reason.CONFLICT, "namespace '" + RuleNamespace.SLO_NAMESPACE + "' of tenant " + tenant
          + " is generated from the tenant's SLOs and cannot be changed through the rules API; change the SLOs instead");
    }
    Optional<Path> file = fileOf(tenant, namespace);
    if (file.isPresent()) {
      throw new RuleStoreException(RuleStoreException.Reason.CONFLICT, "namespace '" + namespace + "' of tenant " + tenant + " is defined in the rule file "
          + file.get() + "; change it there (the rules directory is the source of truth for its namespaces)");
    }
  }

  private static void nameProblem(Optional<String> problem) throws RuleStoreException {
    if (problem.isPresent()) {
      throw new RuleStoreException(RuleStoreException.Reason.INVALID, problem.get());
    }
  }

  private Optional<RuleNamespace> current(String tenant, String namespace) {
    return Optional.ofNullable(apiNamespaces.getOrDefault(tenant, Map.of()).get(namespace));
  }

  private static int indexOf(List<RuleGroup> groups, String name) {
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes the namespace to disk, then publishes it (a namespace without groups is removed). */
  private void store(String tenant, RuleNamespace namespace) throws RuleStoreException {
    try {
      apiFiles.write(tenant, namespace);
    } catch (IOException e) {
      log.error("cannot store namespace {} of tenant {} in {}", namespace.name(), tenant, apiFiles.fileOf(tenant, namespace.name()), e);
      throw new RuleStoreException(RuleStoreException.Reason.STORAGE, "cannot store namespace '" + namespace.name() + "' of tenant " + tenant + ": "
          + e.getMessage(), e);
    }
    Map<String, Map<String, RuleNamespace>> next = new TreeMap<>(apiNamespaces);
    Map<String, RuleNamespace> ofTenant = new TreeMap<>(next.getOrDefault(tenant, Map.of()));
    if (namespace.groups().isEmpty()) {
      ofTenant.remove(namespace.name());
    } else {
      ofTenant.put(namespace.name(), namespace);
    }
    if (ofTenant.isEmpty()) {
      next.remove(tenant);
    } else {
      next.put(tenant, Map.copyOf(ofTenant));
    }
    apiNamespaces = next;
    refreshProblems();
  }

  private void refreshProblems() {
    List<ConfigProblem> all = new ArrayList<>(storedProblems);
    directory.ifPresent(found -> all.addAll(found.problems()));
    fileNamespaces.forEach((tenant, files) -> files.forEach((name, file) -> {
      if (apiNamespaces.getOrDefault(tenant, Map.of()).containsKey(name)) {
        all.add(new ConfigProblem(file.file().toString(), 1, 1, "namespace '" + name + "' of tenant " + tenant
            + " is also stored through the rules API; the file wins and the API's groups are not evaluated"));
      }
    }));
    all.sort(null);
    problems = List.copyOf(all);
  }

  private void announce() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.error("a rule change listener failed; the others still run", e);
      }
    }
  }
}
