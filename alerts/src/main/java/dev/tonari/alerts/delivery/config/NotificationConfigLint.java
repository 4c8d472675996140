package dev.tonari.alerts.delivery.config;

import dev.tonari.tenancy.config.ConfigProblem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Offline check of notification configs for {@code tonari lint}: each {@code <tenant>.yaml} given
 * (or found in a directory given) is parsed as the notifier would; problems are printed as
 * {@code FILE:LINE:COL: error: message}, in file and position order. Exit codes as tenancy's lint:
 * 0 valid, 1 invalid, 2 usage error.
 */
public final class NotificationConfigLint {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;

  public int run(List<Path> paths, PrintStream out, PrintStream err) {
    if (paths.isEmpty()) {
      err.println("usage: tonari lint NOTIFICATIONS_FILE_OR_DIRECTORY...");
      return EXIT_USAGE;
    }
    List<Path> files = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> listing = Files.list(path)) {
          listing.filter(file -> file.getFileName().toString().endsWith(NotificationConfigStore.SUFFIX)).sorted().forEach(files::add);
        } catch (IOException e) {
          problems.add(new ConfigProblem(path.toString(), 1, 1, "cannot list the directory: " + e.getMessage()));
        }
      } else if (path.getFileName().toString().endsWith(NotificationConfigStore.SUFFIX)) {
        files.add(path);
      } else {
        problems.add(new ConfigProblem(path.toString(), 1, 1, "a notification config file is named <tenant>" + NotificationConfigStore.SUFFIX));
      }
    }
    for (Path file : files) {
      try {
        NotificationConfigStore.load(NotificationConfigStore.tenantOf(file), file.toString(), Files.readAllBytes(file));
      } catch (NotificationConfigException e) {
        problems.addAll(e.problems());
      } catch (IOException e) {
        problems.add(new ConfigProblem(file.toString(), 1, 1, "cannot read the file: " + e.getMessage()));
      }
    }
    if (problems.isEmpty()) {
      out.println("ok: " + files.size() + (files.size() == 1 ? " notification config" : " notification configs"));
      return EXIT_VALID;
    }
    problems.stream().sorted().forEach(problem -> err.println(problem.format()));
    err.println(problems.size() + (problems.size() == 1 ? " error" : " errors"));
    return EXIT_INVALID;
  }

  /** {@code java -cp tonari.jar dev.tonari.alerts.delivery.config.NotificationConfigLint FILE...}. */
  public static void main(String[] args) {
    List<Path> paths = new ArrayList<>();
    for (String arg : args) {
      paths.add(Path.of(arg));
    }
    System.exit(new NotificationConfigLint().run(paths, System.out, System.err));
  }
}
