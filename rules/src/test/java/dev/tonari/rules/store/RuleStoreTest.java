package dev.tonari.rules.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.rules.RulerSettings;
import dev.tonari.rules.file.RuleFileParser;
import dev.tonari.rules.model.RecordingRule;
import dev.tonari.rules.model.RuleGroup;
import dev.tonari.rules.model.RuleNamespace;
import dev.tonari.rules.model.RuleNamespace.Origin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store over real directories: API namespaces on disk across restarts, rule files with their last good version, refusals. */
class RuleStoreTest {
  private static final String TENANT = "team-a";
  private static final String VALID_FILE = """
      groups:
        - name: errors
          interval: 1m
          rules:
            - alert: ManyErrors
              expr: sum(rate({app="api"} |= "error" [5m])) > 1
              for: 5m
      """;

  @TempDir Path directory;
  private final List<RuleStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(RuleStore::close);
  }

  private Path dataDir() {
    return directory.resolve("data");
  }

  private Path rulesDir() {
    return directory.resolve("rules");
  }

  private RuleStore open(RulerSettings settings, RuleStoreLimits limits) throws Exception {
    RuleStore store = new RuleStore(settings, dataDir(), limits);
    opened.add(store);
    return store;
  }

  private RuleStore openApiOnly() throws Exception {
    return open(RulerSettings.defaults(), RuleStoreLimits.defaults());
  }

  private RuleStore openWithDirectory() throws Exception {
    Files.createDirectories(rulesDir());
    return open(RulerSettings.defaults().withRulesDirectory(rulesDir()).withPollInterval(Duration.ofMillis(50)), RuleStoreLimits.defaults());
  }

  private static RuleGroup group(String name, int rules) {
    List<dev.tonari.rules.model.Rule> list = new ArrayList<>();
    for (int i = 0; i < rules; i++) {
      list.add(new RecordingRule("rec:" + name + ":" + i, "sum(rate({app=\"api\"}[1m]))", Map.of()));
    }
    return new RuleGroup(name, Optional.of(Duration.ofMinutes(1)), 0, list);
  }

  @Test
  void apiGroupsAreReplacedByNameAppendedOtherwiseAndSurviveARestart() throws Exception {
    RuleStore store = openApiOnly();
    store.putGroup(TENANT, "api", group("a", 1));
    store.putGroup(TENANT, "api", group("b", 2));
    store.putGroup(TENANT, "api", group("a", 3));
    assertThat(store.namespace(TENANT, "api").orElseThrow().groups()).extracting(RuleGroup::name).containsExactly("a", "b");
    assertThat(store.group(TENANT, "api", "a").orElseThrow().rules()).hasSize(3);
    assertThat(store.namespace(TENANT, "api").orElseThrow().origin()).isEqualTo(Origin.API);
    store.close();

    RuleStore reopened = openApiOnly();
    assertThat(reopened.listNamespaces(TENANT)).isEqualTo(store.listNamespaces(TENANT));
    assertThat(reopened.tenants()).containsExactly(TENANT);
    assertThat(reopened.problems()).isEmpty();
    String stored = Files.readString(dataDir().resolve("rules").resolve(TENANT).resolve("api.yaml"));
    assertThat(stored).startsWith(ApiNamespaceFiles.HEADER + "\nnamespace: api\ngroups:\n");
  }

  @Test
  void deletingTheLastGroupRemovesTheNamespaceAndItsFile() throws Exception {
    RuleStore store = openApiOnly();
    store.putGroup(TENANT, "api", group("a", 1));
    store.putGroup(TENANT, "api", group("b", 1));
    store.deleteGroup(TENANT, "api", "a");
    assertThat(store.namespace(TENANT, "api").orElseThrow().groups()).extracting(RuleGroup::name).containsExactly("b");
    store.deleteGroup(TENANT, "api", "b");
    assertThat(store.listNamespaces(TENANT)).isEmpty();
    assertThat(store.tenants()).isEmpty();
    assertThat(dataDir().resolve("rules").resolve(TENANT).resolve("api.yaml")).doesNotExist();
    assertThatThrownBy(() -> store.deleteGroup(TENANT, "api", "b")).isInstanceOf(RuleStoreException.class).hasMessage("group does not exist")
        .extracting(e -> ((RuleStoreException) e).reason()).isEqualTo(RuleStoreException.Reason.NOT_FOUND);
    assertThatThrownBy(() -> store.deleteNamespace(TENANT, "api")).hasMessage("group namespace does not exist");
    store.putGroup(TENANT, "api", group("c", 1));
    store.deleteNamespace(TENANT, "api");
    assertThat(store.namespace(TENANT, "api")).isEmpty();
  }

  @Test
  void namespacesWithSlashesAndDotsStayInsideTheTenantsDirectory() throws Exception {
    RuleStore store = openApiOnly();
    for (String name : List.of("../../escape", "team/app", ".hidden", "caf\u00e9 rules", "%41")) {
      store.putGroup(TENANT, name, group("g", 1));
    }
    try (Stream<Path> files = Files.walk(dataDir().resolve("rules"))) {
      assertThat(files.filter(Files::isRegularFile).map(file -> dataDir().resolve("rules").relativize(file).toString()))
          .containsExactlyInAnyOrder("team-a/%2E.%2F..%2Fescape.yaml", "team-a/team%2Fapp.yaml", "team-a/%2Ehidden.yaml",
              "team-a/caf%C3%A9%20rules.yaml", "team-a/%2541.yaml");
    }
    store.close();
    assertThat(openApiOnly().listNamespaces(TENANT)).extracting(RuleNamespace::name)
        .containsExactly("%41", "../../escape", ".hidden", "caf\u00e9 rules", "team/app");
    assertThatThrownBy(() -> store.putGroup("../x", "n", group("g", 1))).isInstanceOf(RuleStoreException.class).hasMessageContaining("tenant ID");
    assertThatThrownBy(() -> store.putGroup(TENANT, "", group("g", 1))).hasMessage("the namespace is empty");
    assertThatThrownBy(() -> store.putGroup(TENANT, "a\nb", group("g", 1))).hasMessageContaining("control character U+000A");
    assertThatThrownBy(() -> store.putGroup(TENANT, "x".repeat(241), group("g", 1))).hasMessageContaining("over the limit of 240");
  }

  @Test
  void limitsAreEnforcedAndNamed() throws Exception {
    RuleStore store = open(RulerSettings.defaults(), new RuleStoreLimits(1 << 20, 2, 3));
    store.putGroup(TENANT, "n", group("a", 3));
    store.putGroup(TENANT, "n", group("b", 1));
    assertThatThrownBy(() -> store.putGroup(TENANT, "n", group("c", 1))).isInstanceOf(RuleStoreException.class)
        .hasMessage("tenant team-a: namespace 'n' would have 3 groups, over the limit of 2 groups per namespace (max_groups_per_namespace)");
    assertThatThrownBy(() -> store.putGroup(TENANT, "n", group("a", 4)))
        .hasMessage("tenant team-a: namespace 'n': group 'a' has 4 rules, over the limit of 3 rules per group (max_rules_per_group)");
    assertThat(store.group(TENANT, "n", "a").orElseThrow().rules()).as("refused changes change nothing").hasSize(3);
  }

  @Test
  void theSloNamespaceIsReservedAndTheApiCanBeOff() throws Exception {
    RuleStore store = openApiOnly();
    assertThatThrownBy(() -> store.putGroup(TENANT, "slo", group("a", 1))).isInstanceOf(RuleStoreException.class)
        .hasMessageContaining("generated from the tenant's SLOs").extracting(e -> ((RuleStoreException) e).reason())
        .isEqualTo(RuleStoreException.Reason.CONFLICT);
    RuleStore readOnly = open(RulerSettings.defaults().withApiEnabled(false), RuleStoreLimits.defaults());
    assertThatThrownBy(() -> readOnly.putGroup(TENANT, "n", group("a", 1))).hasMessageContaining("ruler.enable_api: false")
        .extracting(e -> ((RuleStoreException) e).reason()).isEqualTo(RuleStoreException.Reason.API_DISABLED);
  }

  @Test
  void ruleFilesAreNamespacesTheApiCannotChange() throws Exception {
    Path file = rulesDir().resolve(TENANT).resolve("errors.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, VALID_FILE);
    RuleStore store = openWithDirectory();
    RuleNamespace namespace = store.namespace(TENANT, "errors").orElseThrow();
    assertThat(namespace.origin()).isEqualTo(Origin.FILE);
    assertThat(namespace.groups()).containsExactlyElementsOf(new RuleFileParser().parseFile("x", VALID_FILE).groups());
    assertThatThrownBy(() -> store.putGroup(TENANT, "errors", group("a", 1))).isInstanceOf(RuleStoreException.class)
        .hasMessageContaining("is defined in the rule file " + file).extracting(e -> ((RuleStoreException) e).reason())
        .isEqualTo(RuleStoreException.Reason.CONFLICT);
    assertThatThrownBy(() -> store.deleteNamespace(TENANT, "errors")).hasMessageContaining(file.toString());
    assertThatThrownBy(() -> store.deleteGroup(TENANT, "errors", "errors")).hasMessageContaining(file.toString());
  }

  @Test
  void aBrokenEditKeepsTheLastGoodVersionAndIsReported() throws Exception {
    Path file = rulesDir().resolve(TENANT).resolve("errors.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, VALID_FILE);
    RuleStore store = openWithDirectory();
    AtomicInteger changes = new AtomicInteger();
    store.addChangeListener(changes::incrementAndGet);
    RuleNamespace good = store.namespace(TENANT, "errors").orElseThrow();

    Files.writeString(file, VALID_FILE.replace("for: 5m", "for: 5 m"));
    store.reloadFiles();
    assertThat(store.namespace(TENANT, "errors")).contains(good);
    assertThat(store.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.file()).isEqualTo(file.toString());
      assertThat(problem.line()).isEqualTo(7);
      assertThat(problem.message()).contains("group 'errors', rule 'ManyErrors': for:");
    });
    assertThat(changes).hasValue(0);

    Files.writeString(file, VALID_FILE.replace("for: 5m", "for: 10m"));
    store.reloadFiles();
    assertThat(store.problems()).isEmpty();
    assertThat(((dev.tonari.rules.model.AlertingRule) store.group(TENANT, "errors", "errors").orElseThrow().rules().get(0)).forDuration())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(changes).hasValue(1);
    store.reloadFiles();
    assertThat(changes).as("an unchanged directory is no change").hasValue(1);

    Files.delete(file);
    store.reloadFiles();
    assertThat(store.listNamespaces(TENANT)).isEmpty();
    assertThat(changes).hasValue(2);
  }

  @Test
  void filesThatCannotBeNamespacesAreReported() throws Exception {
    Files.createDirectories(rulesDir().resolve(TENANT));
    Files.writeString(rulesDir().resolve(TENANT).resolve("slo.yaml"), VALID_FILE);
    Files.writeString(rulesDir().resolve(TENANT).resolve("named.yaml"), "namespace: other\n" + VALID_FILE);
    Files.writeString(rulesDir().resolve(TENANT).resolve(".swap.yaml"), "not: [yaml");
    Files.createDirectories(rulesDir().resolve("bad tenant"));
    RuleStore store = openWithDirectory();
    assertThat(store.listNamespaces(TENANT)).isEmpty();
    assertThat(store.problems()).extracting(problem -> Path.of(problem.file()).getFileName().toString() + ": " + problem.message())
        .containsExactly("bad tenant: not a tenant directory: tenant ID 'bad tenant' contains unsupported character ' '",
            "named.yaml: the file names namespace 'other', but its file name makes it 'named'; in the rules directory the file name is the"
                + " namespace: rename the file or drop the namespace key",
            "slo.yaml: namespace 'slo' is reserved for the rules generated from SLOs; rename the file");
  }

  @Test
  void aFileShadowsAnApiNamespaceOfItsName() throws Exception {
    RuleStore store = openWithDirectory();
    store.putGroup(TENANT, "errors", group("from-api", 1));
    Files.createDirectories(rulesDir().resolve(TENANT));
    Files.writeString(rulesDir().resolve(TENANT).resolve("errors.yaml"), VALID_FILE);
    store.reloadFiles();
    assertThat(store.namespace(TENANT, "errors").orElseThrow().origin()).isEqualTo(Origin.FILE);
    assertThat(store.listNamespaces(TENANT)).hasSize(1);
    assertThat(store.problems()).singleElement().extracting(p -> p.message()).asString().contains("the file wins");
  }

  @Test
  void thePollerPicksUpNewFilesWithoutARestart() throws Exception {
    RuleStore store = openWithDirectory();
    AtomicInteger changes = new AtomicInteger();
    store.addChangeListener(changes::incrementAndGet);
    store.start();
    Files.createDirectories(rulesDir().resolve(TENANT));
    Files.writeString(rulesDir().resolve(TENANT).resolve("errors.yml"), VALID_FILE);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (store.namespace(TENANT, "errors").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(store.namespace(TENANT, "errors")).isPresent();
    assertThat(changes.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void listenersHearApiChangesAndAFailingListenerDoesNotStopTheOthers() throws Exception {
    RuleStore store = openApiOnly();
    AtomicInteger heard = new AtomicInteger();
    store.addChangeListener(() -> {
      throw new IllegalStateException("listener bug");
    });
    store.addChangeListener(heard::incrementAndGet);
    store.putGroup(TENANT, "n", group("a", 1));
    store.deleteGroup(TENANT, "n", "a");
    assertThat(heard).hasValue(2);
  }

  @Test
  void aHandEditedStoredFileThatDoesNotParseIsLeftOutAndReported() throws Exception {
    Path stored = dataDir().resolve("rules").resolve(TENANT).resolve("n.yaml");
    Files.createDirectories(stored.getParent());
    Files.writeString(stored, "groups: [");
    Files.writeString(stored.resolveSibling("n.yaml.tmp-1-1"), "half a write");
    RuleStore store = openApiOnly();
    assertThat(store.listNamespaces(TENANT)).isEmpty();
    assertThat(store.problems()).singleElement().extracting(p -> p.file()).isEqualTo(stored.toString());
  }

  @Test
  void fileNamesEncodeOneToOne() {
    for (String name : List.of("a", "team/app", "..", ".", "%", "a.b", "-_", "\u00e9", "\uD83D\uDE00")) {
      assertThat(RuleNames.namespaceOf(RuleNames.fileNameOf(name))).contains(name);
    }
    assertThat(RuleNames.namespaceOf("a%2")).isEmpty();
    assertThat(RuleNames.namespaceOf("%61")).as("only the canonical encoding").isEmpty();
    assertThat(RuleNames.fileNameOf("..")).isEqualTo("%2E.");
  }
}
