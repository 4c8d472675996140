package dev.tonari.bench;

import dev.tonari.ingest.PushEncoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of ready-to-send push requests, so that the ingest benchmark measures the server and
 * not the client's encoding. Records follow each other until the end of the file, each:
 * {@code tenant (UTF), content type (UTF), content encoding (UTF, "" for none), entry count
 * (int), raw line bytes (long), body length (int), body bytes}, big-endian as DataOutput writes.
 */
public final class PushBodyFile {
  private PushBodyFile() {}

  /** One push request: its headers, body, and how many entries and raw line bytes it carries. */
  public record PushBody(String tenant, PushEncoder.EncodedPush push, int entries, long rawBytes) {}

  /** Appends records; not thread-safe. */
  public static final class Writer implements AutoCloseable {
    private final DataOutputStream out;

    public Writer(Path file) throws IOException {
      this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
    }

    public void write(PushBody body) throws IOException {
      out.writeUTF(body.tenant());
      out.writeUTF(body.push().contentType());
      out.writeUTF(body.push().contentEncoding() == null ? "" : body.push().contentEncoding());
      out.writeInt(body.entries());
      out.writeLong(body.rawBytes());
      out.writeInt(body.push().body().length);
      out.write(body.push().body());
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Reads all records of a file into memory. */
  public static List<PushBody> readAll(Path file) throws IOException {
    List<PushBody> bodies = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      while (true) {
        String tenant;
        try {
          tenant = in.readUTF();
        } catch (EOFException end) {
          return bodies;
        }
        try {
          String contentType = in.readUTF();
          String contentEncoding = in.readUTF();
          int entries = in.readInt();
          long rawBytes = in.readLong();
          byte[] body = new byte[in.readInt()];
          in.readFully(body);
          bodies.add(new PushBody(tenant, new PushEncoder.EncodedPush(body, contentType, contentEncoding.isEmpty() ? null : contentEncoding), entries, rawBytes));
        } catch (EOFException truncated) {
          throw new IOException("push body file " + file + " is truncated in record " + bodies.size() + "; regenerate the corpus", truncated);
        }
      }
    }
  }
}
