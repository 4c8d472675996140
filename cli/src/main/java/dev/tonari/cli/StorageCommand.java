package dev.tonari.cli;

import dev.tonari.server.StorageSettings;
import dev.tonari.store.engine.PartMigration;
import dev.tonari.store.object.LocalObjectStore;
import dev.tonari.store.object.s3.S3ObjectStore;
import dev.tonari.store.object.s3.S3Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tonari storage}: work on where parts live. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Storage tools: copy a local data directory's parts to S3.",
    subcommands = {StorageCommand.Migrate.class})
final class StorageCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("usage: tonari storage migrate --data-dir DIR --to s3://BUCKET/PREFIX [--verify]");
  }

  /**
   * {@code tonari storage migrate}: copies the parts of a stopped server's data directory to a
   * bucket, each with its commit, showing progress; resumable (parts already committed there are
   * skipped) and verifiable ({@code --verify} compares every part's bytes afterwards). Exit 0 when
   * done (and verified), 1 on a failed copy or verification, 2 on a usage error.
   */
  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Copy the parts of a data directory to s3://BUCKET/PREFIX (stop the server first: a graceful stop flushes the head to parts).")
  static final class Migrate implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of a stopped server (default: ./data).")
    Path dataDir = Path.of("data");

    @Option(names = "--to", required = true, paramLabel = "s3://BUCKET/PREFIX", description = "Target bucket and key prefix.")
    String to;

    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or AWS).")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "Signing region (default: the SDK's region chain, else us-east-1).")
    String region;

    @Option(names = "--verify", description = "After copying, compare every part's bytes and commit in the bucket with the local ones.")
    boolean verify;

    @Override
    public Integer call() {
      StorageSettings target;
      try {
        target = StorageSettings.parseUrl(to);
      } catch (IllegalArgumentException e) {
        System.err.println("tonari storage migrate: " + e.getMessage().replace("--storage", "--to"));
        return 2;
      }
      Path objects = dataDir.resolve("objects");
      if (!Files.isDirectory(objects)) {
        System.err.println("tonari storage migrate: " + objects + " does not exist; --data-dir must be a Tonari data directory");
        return 2;
      }
      S3Settings settings = S3Settings.of(target.s3().bucket(), target.s3().prefix()).withRegion(region)
          .withEndpoint(endpoint == null ? null : URI.create(endpoint));
      PrintStream err = System.err;
      try (LocalObjectStore source = new LocalObjectStore(objects); S3ObjectStore bucket = S3ObjectStore.open(settings)) {
        PartMigration.Result result = PartMigration.migrate(source, bucket, (done, total, bytes, totalBytes, key, skipped) -> bar(err, "copy", done, total, bytes, totalBytes));
        err.println();
        System.out.printf(Locale.ROOT, "copied %d parts (%s), skipped %d already in %s%n", result.copied(), human(result.bytesCopied()), result.skipped(), settings.location());
        if (verify) {
          PartMigration.Verification check = PartMigration.verify(source, bucket, (done, total, bytes, totalBytes, key, skipped) -> bar(err, "verify", done, total, bytes, totalBytes));
          err.println();
          check.problems().forEach(problem -> System.err.println("tonari storage migrate: " + problem));
          if (!check.problems().isEmpty()) {
            return 1;
          }
          System.out.printf(Locale.ROOT, "verified %d parts: every byte and commit matches%n", check.checked());
        }
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println();
        System.err.println("tonari storage migrate: " + e.getMessage() + " (run again to resume: copied parts are skipped)");
        return 1;
      }
    }

    /** One line redrawn in place: {@code copy [#########           ] 12/40 parts 120.5 MB/310.0 MB}. */
    static void bar(PrintStream out, String what, int done, int total, long bytes, long totalBytes) {
      int width = 30;
      int filled = totalBytes == 0 ? width : (int) (width * bytes / totalBytes);
      out.print("\r" + what + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " parts " + human(bytes) + "/" + human(totalBytes));
      out.flush();
    }

    static String human(long bytes) {
      return bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
  }
}
