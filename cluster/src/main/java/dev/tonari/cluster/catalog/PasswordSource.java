package dev.tonari.cluster.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the catalog's database password comes from: given directly (tests), an environment
 * variable, or a file (a mounted secret; one trailing newline is dropped). Read when the catalog
 * opens, never printed: {@link #toString()} says where it comes from, not what it is.
 */
public sealed interface PasswordSource {
  /** The password, or {@link IllegalArgumentException} naming the variable or file that does not hold one. */
  String resolve(Map<String, String> environment);

  record Direct(String password) implements PasswordSource {
    @Override
    public String resolve(Map<String, String> environment) {
      return password;
    }

    @Override
    public String toString() {
      return "Direct[password given]";
    }
  }

  record EnvironmentVariable(String variable) implements PasswordSource {
    @Override
    public String resolve(Map<String, String> environment) {
      String password = environment.get(variable);
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("the catalog's password variable " + variable + " is not set (or empty) in the environment");
      }
      return password;
    }
  }

  record File(Path path) implements PasswordSource {
    @Override
    public String resolve(Map<String, String> environment) {
      String password;
      try {
        password = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the catalog's password file " + path + ": " + e, e);
      }
      if (password.endsWith("\n")) {
        password = password.substring(0, password.length() - (password.endsWith("\r\n") ? 2 : 1));
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("the catalog's password file " + path + " is empty");
      }
      return password;
    }
  }
}
