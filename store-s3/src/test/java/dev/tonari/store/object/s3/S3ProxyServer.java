package dev.tonari.store.object.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3-compatible server for tests: s3proxy in this JVM on 127.0.0.1 (a free port), over
 * jclouds' filesystem provider in a temporary directory, with AWS signature checks on. Start it
 * once per test class; {@link #close()} stops it and deletes the directory.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "tonari-test-access";
  public static final String SECRET_KEY = "tonari-test-secret";

  private final Path directory;
  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final URI endpoint;

  private S3ProxyServer(Path directory, BlobStoreContext context, S3Proxy proxy, URI endpoint) {
    this.directory = directory;
    this.context = context;
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  public static S3ProxyServer start() throws Exception {
    Path directory = Files.createTempDirectory("tonari-s3proxy-");
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("s3proxy did not start within 30 s (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
    return new S3ProxyServer(directory, context, proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  /**
   * Runs s3proxy on its own for manual tries ({@code java -cp <test classpath>
   * dev.tonari.store.object.s3.S3ProxyServer BUCKET}): creates the bucket, prints the endpoint and
   * the credentials, and serves until the process is stopped.
   */
  public static void main(String[] args) throws Exception {
    S3ProxyServer server = start();
    String bucket = args.length > 0 ? args[0] : "tonari";
    server.context.getBlobStore().createContainerInLocation(null, bucket);
    System.out.println("s3proxy on " + server.endpoint() + " bucket " + bucket + " AWS_ACCESS_KEY_ID=" + ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + SECRET_KEY);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    Thread.currentThread().join();
  }

  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort();
  }

  /** Creates a bucket with a fresh name and returns it. */
  public String createBucket() {
    String bucket = "tonari-" + UUID.randomUUID().toString().substring(0, 8);
    context.getBlobStore().createContainerInLocation(null, bucket);
    return bucket;
  }

  public void deleteBucket(String bucket) {
    context.getBlobStore().deleteContainer(bucket);
  }

  /** Settings for the bucket at this server with the test credentials, no process environment, quick retries. */
  public S3Settings settings(String bucket, String prefix) {
    return new S3Settings(bucket, prefix, "us-east-1", endpoint, true,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), 4, Duration.ofSeconds(10), Map.of());
  }

  /** The file that holds an object in the filesystem backend (for corrupting it in tests). */
  public Path objectFile(String bucket, String objectKey) {
    return directory.resolve(bucket).resolve(objectKey);
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
      deleteRecursively(directory);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
