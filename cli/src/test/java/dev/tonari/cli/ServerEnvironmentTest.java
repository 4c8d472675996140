package dev.tonari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The address, tenant and token variables and the help commands, as a user meets them: the CLI
 * runs as a child process with the variables set (picocli reads the real environment), against a
 * JDK HTTP server on a loopback port that records what arrived.
 */
class ServerEnvironmentTest {
  private static final String EMPTY_STREAMS = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}";

  private HttpServer server;
  private final ConcurrentLinkedQueue<String> arrived = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      arrived.add(exchange.getRequestURI().getPath() + " tenant=" + exchange.getRequestHeaders().getFirst("X-Scope-OrgID") + " auth="
          + exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = EMPTY_STREAMS.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private record Child(int exit, String out) {}

  /** Runs the CLI in a child JVM with exactly {@code environment} (plus PATH), as a shell would. */
  private static Child cli(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), TonariCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("TONARI_") || name.startsWith("LOKI_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Child(process.exitValue(), out);
  }

  @Test
  void tonariVariablesComeFirstAndLogcliVariablesAreTheFallback() throws Exception {
    Child tonari = cli(Map.of("TONARI_ADDR", address(), "TONARI_TENANT", "team-t", "TONARI_TOKEN", "tnr_x", "LOKI_ADDR", "http://127.0.0.1:9",
        "LOKI_ORG_ID", "team-l"), "query", "{app=\"x\"}");
    assertThat(tonari.exit()).as(tonari.out()).isZero();
    assertThat(arrived.poll()).isEqualTo("/loki/api/v1/query_range tenant=team-t auth=Bearer tnr_x");

    Child logcli = cli(Map.of("LOKI_ADDR", address(), "LOKI_ORG_ID", "team-l", "LOKI_BEARER_TOKEN", "tnr_l"), "query", "{app=\"x\"}");
    assertThat(logcli.exit()).as(logcli.out()).isZero();
    assertThat(arrived.poll()).isEqualTo("/loki/api/v1/query_range tenant=team-l auth=Bearer tnr_l");

    Child flags = cli(Map.of("TONARI_ADDR", "http://127.0.0.1:9", "TONARI_TENANT", "team-t"), "query", "--addr", address(), "--tenant", "team-f",
        "{app=\"x\"}");
    assertThat(flags.exit()).as(flags.out()).isZero();
    assertThat(arrived.poll()).isEqualTo("/loki/api/v1/query_range tenant=team-f auth=null");
  }

  @Test
  void adminCommandsReadTheSameAddressVariables() throws Exception {
    Child usage = cli(Map.of("LOKI_ADDR", address(), "TONARI_TOKEN", "tnr_admin"), "usage");
    assertThat(arrived.poll()).as(usage.out()).startsWith("/tonari/api/v1/usage").endsWith("auth=Bearer tnr_admin");
  }

  @Test
  void aServerThatIsNotRunningIsToldWithWhatToDo() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String nowhere = "http://127.0.0.1:" + closedPort;
    for (String[] command : List.of(new String[] {"query", "{app=\"x\"}"}, new String[] {"usage"}, new String[] {"slo", "list"})) {
      Child refused = cli(Map.of("TONARI_ADDR", nowhere), command);
      assertThat(refused.exit()).as(String.join(" ", command)).isNotZero();
      assertThat(refused.out()).as(String.join(" ", command)).contains("cannot reach the server at " + nowhere + " (connection refused)")
          .contains("./tonari server").contains("TONARI_ADDR");
    }
  }

  @Test
  void helpWorksAsACommandAndAsAnOption() {
    for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"})) {
      CommandRun run = CommandRun.run(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).contains("Usage: tonari").contains("server").contains("demo").contains("query").contains("help");
    }
    CommandRun query = CommandRun.run("help", "query");
    assertThat(query.exitCode()).isZero();
    assertThat(query.out()).contains("Usage: tonari query").contains("--addr").contains("TONARI_ADDR").contains("LOKI_ADDR").contains("TONARI_TENANT");
    assertThat(CommandRun.run("query", "--help").out()).isEqualTo(query.out());
    CommandRun unknown = CommandRun.run("help", "no-such-command");
    assertThat(unknown.exitCode()).isNotZero();
  }

  @Test
  void theAddressRuleWithoutPicocli() {
    assertThat(ServerEnvironment.address(Map.of())).isEqualTo("http://127.0.0.1:3100");
    assertThat(ServerEnvironment.address(Map.of("LOKI_ADDR", "http://l:1"))).isEqualTo("http://l:1");
    assertThat(ServerEnvironment.address(Map.of("LOKI_ADDR", "http://l:1", "TONARI_ADDR", "http://t:2"))).isEqualTo("http://t:2");
    assertThat(ServerEnvironment.token(Map.of("LOKI_BEARER_TOKEN", "l"))).isEqualTo("l");
    assertThat(ServerEnvironment.token(Map.of("LOKI_BEARER_TOKEN", "l", "TONARI_TOKEN", "t"))).isEqualTo("t");
  }
}
