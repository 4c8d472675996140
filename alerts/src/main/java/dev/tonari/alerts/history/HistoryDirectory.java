package dev.tonari.alerts.history;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import com.google.re2j.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the history's files are: {@code <root>/<tenant>/<YYYY-MM-DD>.history}, one per tenant and
 * UTC day. Tenant IDs are used as directory names as they are (Loki's tenant ID rules, which
 * {@link dev.tonari.tenancy.config.TenantIds} enforces, keep them safe as one path element, as the
 * log store does). Other names in the directories are left alone.
 */
final class HistoryDirectory {
  private static final Logger log = LoggerFactory.getLogger(HistoryDirectory.class);
  static final String SUFFIX = ".history";
  static final String CORRUPT_SUFFIX = ".corrupt";
  private static final Pattern DAY_FILE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}" + Pattern.quote(SUFFIX));

  private final Path root;

  HistoryDirectory(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path tenantDirectory(String tenant) {
    return root.resolve(tenant);
  }

  Path file(String tenant, LocalDate day) {
    return tenantDirectory(tenant).resolve(day + SUFFIX);
  }

  /** The tenants that have a directory. */
  List<String> tenants() throws IOException {
    TreeSet<String> tenants = new TreeSet<>();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry)) {
          tenants.add(entry.getFileName().toString());
        }
      }
    }
    return List.copyOf(tenants);
  }

  /** The tenant's day files, oldest first. */
  List<LocalDate> days(String tenant) throws IOException {
    Path directory = tenantDirectory(tenant);
    TreeSet<LocalDate> days = new TreeSet<>();
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (DAY_FILE.matcher(name).matches()) {
          try {
            days.add(LocalDate.parse(name.substring(0, 10)));
          } catch (DateTimeParseException e) {
            log.warn("ignoring {}: not a day file name ({})", entry, e.getMessage());
          }
        }
      }
    }
    return new ArrayList<>(days);
  }

  /** Sets a file that cannot be read aside, so that it is kept for inspection but never read again. */
  Path quarantine(Path file) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + CORRUPT_SUFFIX);
    Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return aside;
  }
}
