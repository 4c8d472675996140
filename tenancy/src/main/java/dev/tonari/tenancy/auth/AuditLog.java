package dev.tonari.tenancy.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;

/**
 * The append-only record of administrative actions, {@code <data_dir>/audit.log}: one JSON object
 * per line with {@code time}, {@code actor} (token name and id), {@code action}, {@code target},
 * {@code source} (client address, or {@code cli} offline), {@code outcome}. Each line is fsynced
 * before {@link #record} returns: an admin action that returned success is in the log after a
 * crash. Thread-safe; lines never interleave.
 */
public final class AuditLog implements AutoCloseable {
  public static final String FILE_NAME = "audit.log";
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final Clock clock;
  private final FileChannel channel;

  private AuditLog(Path file, Clock clock, FileChannel channel) {
    this.file = file;
    this.clock = clock;
    this.channel = channel;
  }

  public static AuditLog open(Path dataDir, Clock clock) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new AuditLog(file, Objects.requireNonNull(clock, "clock"), channel);
  }

  public Path file() {
    return file;
  }

  /**
   * @param actor who acted, e.g. {@code ops (id 3fT...)} or {@code cli}
   * @param action what, e.g. {@code token.create}
   * @param target on what, e.g. {@code token ci-push (id ...) role writer tenants team-a}
   * @param source client address or {@code cli}
   * @param outcome {@code ok}, or the refusal message
   */
  public synchronized void record(String actor, String action, String target, String source, String outcome) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = JSON.createGenerator(line)) {
      generator.writeStartObject();
      generator.writeStringField("time", clock.instant().toString());
      generator.writeStringField("actor", actor);
      generator.writeStringField("action", action);
      generator.writeStringField("target", target);
      generator.writeStringField("source", source);
      generator.writeStringField("outcome", outcome);
      generator.writeEndObject();
    }
    line.write('\n');
    ByteBuffer buffer = ByteBuffer.wrap(line.toByteArray());
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    channel.force(false);
  }

  /** The principal's name as the log shows it. */
  public static String actor(Principal principal) {
    return principal.name() + " (id " + principal.tokenId() + ", " + principal.role().text() + ")";
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
