package dev.tonari.rules.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alert states as files, one per group, in the ruler's state directory: {@link AlertStateFile}'s
 * names and atomic, fsynced writes. The single-node default.
 */
public final class AlertStateDirectory implements AlertStateStore {
  private final Path directory;

  /** @throws IOException when the directory cannot be created */
  public AlertStateDirectory(Path directory) throws IOException {
    this.directory = directory;
    Files.createDirectories(directory);
  }

  public Path directory() {
    return directory;
  }

  @Override
  public Optional<List<Stored>> listAll(List<String> problems) throws IOException {
    List<Stored> stored = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return Optional.of(stored);
    }
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".state")).sorted().toList()) {
        try {
          stored.add(new Stored(AlertStateFile.describe(file), Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
          // Removed since the listing: nothing to restore.
        } catch (IOException e) {
          problems.add(AlertStateFile.describe(file) + ": cannot be read: " + e.getMessage());
        }
      }
    }
    return Optional.of(stored);
  }

  @Override
  public Optional<Stored> load(GroupKey key) throws IOException {
    Path file = AlertStateFile.pathOf(directory, key);
    try {
      return Optional.of(new Stored(AlertStateFile.describe(file), Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void save(GroupKey key, byte[] content) throws IOException {
    AlertStateFile.write(AlertStateFile.pathOf(directory, key), content);
  }

  @Override
  public void delete(GroupKey key) throws IOException {
    AlertStateFile.delete(AlertStateFile.pathOf(directory, key));
  }

  @Override
  public String toString() {
    return "alert state directory " + directory;
  }
}
