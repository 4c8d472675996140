package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls} on the real server: a certificate made in the test by the JDK's {@code
 * keytool} (RSA and EC, for 127.0.0.1), its chain and PKCS#8 key written as PEM, a client that
 * trusts that certificate only; plain HTTP to the TLS port is not served; bad files are clear
 * errors of the config lint and of the start.
 */
class TlsListenerTest {
  @TempDir Path directory;

  /** A self-signed certificate and key for 127.0.0.1, as PEM files; returns {cert, key, keystore}. */
  private Path[] makeCertificate(String algorithm) throws Exception {
    Path keyStore = directory.resolve(algorithm + ".p12");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "server",
        "-keyalg", algorithm, "-keysize", algorithm.equals("EC") ? "256" : "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit",
        "-keypass", "changeit");
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, "changeit".toCharArray());
    }
    Path cert = directory.resolve(algorithm + ".crt");
    Path key = directory.resolve(algorithm + ".key");
    Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("server").getEncoded()));
    PrivateKey privateKey = (PrivateKey) store.getKey("server", "changeit".toCharArray());
    assertThat(privateKey.getFormat()).isEqualTo("PKCS#8");
    Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
    return new Path[] {cert, key, keyStore};
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) + "\n-----END "
        + type + "-----\n";
  }

  private static HttpClient trusting(Path keyStoreFile) throws Exception {
    KeyStore source = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStoreFile)) {
      source.load(in, "changeit".toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", source.getCertificate("server"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  @Test
  void servesHttpsWithAnRsaOrEcCertificateAndRefusesPlainHttp() throws Exception {
    for (String algorithm : List.of("RSA", "EC")) {
      Path[] files = makeCertificate(algorithm);
      Path config = directory.resolve(algorithm + ".yaml");
      Files.writeString(config, """
          server:
            listen: 127.0.0.1:0
            tls:
              cert_file: %s
              key_file: %s
          storage:
            data_dir: %s
          """.formatted(files[0], files[1], directory.resolve("data-" + algorithm)));
      assertThat(ServerConfigLint.check(config)).isEmpty();
      try (TonariServer server = TonariServer.open(ServerConfig.load(config)); HttpClient client = trusting(files[2])) {
        assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(algorithm).isEqualTo(200);
        HttpResponse<String> push = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/loki/api/v1/push"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"streams\":[" + TenantHttp.stream("{\"app\":\"tls\"}", System.currentTimeMillis() * 1_000_000L, "over tls") + "]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(push.statusCode()).as(push.body()).isEqualTo(204);

        // The same port over plain HTTP: never served (Jetty answers 400 or closes the connection).
        URI plain = URI.create(server.baseUrl().replace("https://", "http://") + "/ready");
        try (HttpClient plainClient = HttpClient.newHttpClient()) {
          Throwable failure = catchThrowable(() -> {
            HttpResponse<String> answer = plainClient.send(HttpRequest.newBuilder(plain).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("plain HTTP to the TLS port").isEqualTo(400);
            assertThat(answer.body()).doesNotContain("ready");
          });
          assertThat(failure == null || failure instanceof IOException).as("plain HTTP failed with " + failure).isTrue();
        }
        // A client that does not trust the certificate refuses the connection.
        try (HttpClient untrusting = HttpClient.newHttpClient()) {
          assertThat(catchThrowable(() -> untrusting.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(),
              HttpResponse.BodyHandlers.ofString()))).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
      }
    }
  }

  @Test
  void badFilesAreClearErrorsOfTheLintAndTheStart() throws Exception {
    Path[] files = makeCertificate("RSA");
    Path missing = directory.resolve("missing.crt");
    Path pkcs1 = directory.resolve("pkcs1.key");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Path notPem = directory.resolve("not.crt");
    Files.writeString(notPem, "hello\n");
    Path[] ec = makeCertificate("EC");
    record Case(Path cert, Path key, String expected) {}
    for (Case bad : List.of(new Case(missing, files[1], "cert_file " + missing + " does not exist"),
        new Case(files[0], pkcs1, "convert it with 'openssl pkcs8 -topk8 -nocrypt"),
        new Case(notPem, files[1], "cert_file " + notPem + " is not a PEM certificate chain"),
        new Case(files[0], ec[1], "holds an EC key, but the certificate in cert_file"))) {
      Path config = directory.resolve("bad.yaml");
      Files.writeString(config, "server:\n  tls:\n    cert_file: " + bad.cert() + "\n    key_file: " + bad.key() + "\n");
      List<String> problems = ServerConfigLint.check(config);
      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).startsWith(config + ":2:").contains("error: server.tls: ").contains(bad.expected());
      ServerConfig loaded = ServerConfig.load(config).withListen("127.0.0.1:0").withDataDir(directory.resolve("data"));
      assertThat(catchThrowable(() -> TonariServer.open(loaded).close())).isInstanceOf(IOException.class).hasMessageContaining(bad.expected());
    }
    Path onlyCert = directory.resolve("only.yaml");
    Files.writeString(onlyCert, "server:\n  tls:\n    cert_file: " + files[0] + "\n");
    assertThat(ServerConfigLint.check(onlyCert)).singleElement().asString().contains("server.tls needs both cert_file and key_file");
  }
}
