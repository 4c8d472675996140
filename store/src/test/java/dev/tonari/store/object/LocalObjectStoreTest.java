package dev.tonari.store.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() throws IOException {
    return new LocalObjectStore(scratch.resolve("store"));
  }

  /** Real file operations, except those told to fail; records the calls so tests can check fsyncs. */
  static final class FailingFileOperations implements FileOperations {
    final List<String> calls = new ArrayList<>();
    boolean failWriteHalfway;
    boolean failMove;
    boolean moveAcrossFileSystems;

    @Override
    public void writeNew(Path file, byte[] data) throws IOException {
      calls.add("write " + file.getFileName());
      if (failWriteHalfway) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(data, 0, data.length / 2));
        }
        throw new IOException("No space left on device (injected) writing " + file);
      }
      SYSTEM.writeNew(file, data);
    }

    @Override
    public void copyNew(Path source, Path target) throws IOException {
      calls.add("copy " + target.getFileName());
      if (failWriteHalfway) {
        Files.write(target, new byte[] {1, 2, 3});
        throw new IOException("No space left on device (injected) copying to " + target);
      }
      SYSTEM.copyNew(source, target);
    }

    @Override
    public void force(Path file) throws IOException {
      calls.add("force " + file.getFileName());
      SYSTEM.force(file);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
      calls.add("move " + source.getFileName() + " -> " + target.getFileName());
      if (moveAcrossFileSystems && !source.getFileName().toString().startsWith(ObjectKeys.TEMPORARY_PREFIX)) {
        throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), "injected: different file systems");
      }
      if (failMove) {
        throw new IOException("rename failed (injected) " + source + " -> " + target);
      }
      SYSTEM.moveAtomically(source, target);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
      calls.add("forceDirectory " + directory.getFileName());
      SYSTEM.forceDirectory(directory);
    }

    @Override
    public void createDirectory(Path directory) throws IOException {
      calls.add("mkdir " + directory.getFileName());
      SYSTEM.createDirectory(directory);
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
      calls.add("delete " + file.getFileName());
      return SYSTEM.deleteIfExists(file);
    }
  }

  private static List<Path> filesUnder(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aWriteFailingHalfwayLeavesNoObjectAndNoFile() throws Exception {
    Path root = scratch.resolve("failing");
    FailingFileOperations files = new FailingFileOperations();
    try (LocalObjectStore failing = new LocalObjectStore(root, files)) {
      failing.put("t/parts/old.part", new byte[] {9});
      files.failWriteHalfway = true;
      assertThatThrownBy(() -> failing.put("t/parts/new.part", new byte[1000]))
          .isInstanceOf(IOException.class).hasMessageContaining("injected");
      assertThatThrownBy(() -> failing.put("t/parts/old.part", new byte[1000])).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> failing.get("t/parts/new.part")).isInstanceOf(NoSuchFileException.class);
      assertThat(failing.list("")).containsExactly(new ObjectInfo("t/parts/old.part", 1));
      assertThat(failing.get("t/parts/old.part").get(0)).isEqualTo((byte) 9);
    }
    assertThat(filesUnder(root)).containsExactly(root.resolve("t/parts/old.part"));
  }

  @Test
  void aFailedRenameLeavesNoObject() throws Exception {
    Path root = scratch.resolve("rename");
    FailingFileOperations files = new FailingFileOperations();
    files.failMove = true;
    try (LocalObjectStore failing = new LocalObjectStore(root, files)) {
      assertThatThrownBy(() -> failing.put("a/b", new byte[10])).hasMessageContaining("rename failed");
      assertThat(failing.list("")).isEmpty();
    }
    assertThat(filesUnder(root)).isEmpty();
  }

  @Test
  void publishingForcesTheFileBeforeTheRenameAndTheDirectoryAfter() throws Exception {
    FailingFileOperations files = new FailingFileOperations();
    try (LocalObjectStore recorded = new LocalObjectStore(scratch.resolve("order"), files)) {
      recorded.put("t/x.part", new byte[] {1});
      assertThat(files.calls).containsExactly(
          "mkdir t", "forceDirectory order", "write " + files.calls.get(2).substring(6), "move " + files.calls.get(2).substring(6) + " -> x.part",
          "forceDirectory t");
      assertThat(files.calls.get(2)).startsWith("write .tonari-tmp-x.part-");
      files.calls.clear();
      Path staged = scratch.resolve("staged");
      Files.write(staged, new byte[] {2});
      recorded.put("t/y.part", staged);
      assertThat(files.calls).containsExactly("force staged", "move staged -> y.part", "forceDirectory t");
      assertThat(staged).doesNotExist();
    }
  }

  @Test
  void aFileFromAnotherFileSystemIsCopiedThenRenamed() throws Exception {
    FailingFileOperations files = new FailingFileOperations();
    files.moveAcrossFileSystems = true;
    try (LocalObjectStore store = new LocalObjectStore(scratch.resolve("cross"), files)) {
      Path staged = scratch.resolve("other-fs");
      Files.write(staged, new byte[] {7, 7});
      store.put("p", staged);
      assertThat(store.get("p").remaining()).isEqualTo(2);
      assertThat(store.list("")).containsExactly(new ObjectInfo("p", 2));
      files.failWriteHalfway = true;
      assertThatThrownBy(() -> store.put("q", staged)).hasMessageContaining("injected");
      assertThat(store.list("")).containsExactly(new ObjectInfo("p", 2));
    }
  }

  @Test
  void leftoverTemporaryFilesAreNeverListedAndAreRemovedOnOpen() throws Exception {
    Path root = scratch.resolve("crashed");
    Files.createDirectories(root.resolve("t/parts"));
    Path leftover = root.resolve("t/parts/" + ObjectKeys.TEMPORARY_PREFIX + "a.part-123");
    Files.write(leftover, new byte[] {1, 2});
    Files.write(root.resolve("t/parts/b.part"), new byte[] {3});
    try (LocalObjectStore reopened = new LocalObjectStore(root)) {
      assertThat(reopened.list("")).containsExactly(new ObjectInfo("t/parts/b.part", 1));
    }
    assertThat(leftover).doesNotExist();
  }

  @Test
  void getMapsTheFileWithoutCopying() throws Exception {
    store.put("m", new byte[] {1, 2, 3});
    ByteBuffer mapped = store.get("m");
    assertThat(mapped.isDirect()).isTrue();
    assertThat(mapped.isReadOnly()).isTrue();
  }

  @Test
  void useAfterCloseIsAnError() throws Exception {
    store.close();
    assertThatThrownBy(() -> store.get("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
