package dev.tonari.slo.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRollupStoreTest extends RollupStoreContract {
  @TempDir Path directory;

  @Override
  RollupStore newStore() {
    return new FileRollupStore(directory);
  }

  private FileRollupStore reopen() {
    store.close();
    FileRollupStore reopened = new FileRollupStore(directory);
    store = reopened;
    return reopened;
  }

  private List<Path> dayFiles() throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(path -> path.getFileName().toString().endsWith(".day")).sorted().toList();
    }
  }

  @Test
  void aRestartKeepsMinutesSeriesAndFingerprint() {
    SeriesKey grouped = new SeriesKey("team-a", "api-availability", Map.of("customer", "Zürich/1"));
    store.write(API, series(DAY_START - 1, 3, 9, 1, 4));
    store.write(grouped, series(DAY_START, 0, 6));
    store.setFingerprint("team-a", "api-availability", "sha256:1234");
    reopen();
    MinuteSeries read = store.read(API, DAY_START - 1, DAY_START + 1);
    assertThat(read.bad(DAY_START - 1)).isEqualTo(3);
    assertThat(read.total(DAY_START - 1)).isEqualTo(9);
    assertThat(read.bad(DAY_START)).isEqualTo(1);
    assertThat(read.total(DAY_START)).isEqualTo(4);
    assertThat(store.read(grouped, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(6);
    assertThat(store.series("team-a", "api-availability")).containsExactlyInAnyOrder(API, grouped);
    assertThat(store.fingerprint("team-a", "api-availability")).contains("sha256:1234");
  }

  @Test
  void aFlippedByteIsDetectedAndTheDayTreatedAsAbsent() throws IOException {
    store.write(API, series(DAY_START, 1, 10, 2, 20));
    store.write(API, series(DAY_START + 1440, 5, 50));
    store.setFingerprint(API.tenant(), API.sloId(), "v1");
    Path first = dayFiles().getFirst();
    byte[] content = Files.readAllBytes(first);
    content[content.length / 2] ^= 0x10;
    Files.write(first, content);
    FileRollupStore reopened = reopen();
    MinuteSeries read = store.read(API, DAY_START, DAY_START + 1441);
    assertThat(read.hasData(DAY_START)).as("the corrupt day reads as no data").isFalse();
    assertThat(read.hasData(DAY_START + 1)).isFalse();
    assertThat(read.total(DAY_START + 1440)).as("the other day is intact").isEqualTo(50);
    assertThat(reopened.corruptFiles()).isEqualTo(1);
    assertThat(store.fingerprint(API.tenant(), API.sloId())).as("dropped so the engine rebuilds").isEmpty();
    assertThat(first.resolveSibling(first.getFileName() + ".corrupt")).exists();
    // The engine rebuilds: the day is written again and reads back.
    store.write(API, series(DAY_START, 1, 10));
    assertThat(reopen().read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(10);
  }

  @Test
  void aTruncatedFileIsDetectedAndTreatedAsAbsent() throws IOException {
    store.write(API, series(DAY_START, 1, 10));
    Path day = dayFiles().getFirst();
    byte[] content = Files.readAllBytes(day);
    for (int length : new int[] {content.length - 1, content.length - 9, 40, 3, 0}) {
      Files.write(day, java.util.Arrays.copyOf(content, length));
      FileRollupStore reopened = reopen();
      assertThat(store.read(API, DAY_START, DAY_START + 1).hasData(DAY_START)).as("truncated to %d bytes", length).isFalse();
      assertThat(reopened.corruptFiles()).isEqualTo(1);
      assertThat(store.series(API.tenant(), API.sloId())).isEmpty();
    }
  }

  @Test
  void aFileOfTheWrongSeriesOrDayIsNotReadAsThisOne() throws IOException {
    store.write(API, series(DAY_START, 1, 10));
    Path day = dayFiles().getFirst();
    Files.move(day, day.resolveSibling((DAY_START / 1440 + 1) + ".day"));
    FileRollupStore reopened = reopen();
    assertThat(store.read(API, DAY_START, DAY_START + 2 * 1440).hasData(DAY_START + 1440)).isFalse();
    assertThat(reopened.corruptFiles()).isEqualTo(1);
  }

  @Test
  void aTornTemporaryFileLeftByACrashIsIgnoredAndPruned() throws IOException {
    store.write(API, series(DAY_START, 1, 10));
    Path day = dayFiles().getFirst();
    Path torn = day.resolveSibling(day.getFileName() + ".tmp-4242-1");
    Files.write(torn, new byte[] {(byte) 0x89, 'T', 'R'});
    FileRollupStore reopened = reopen();
    assertThat(store.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(10);
    assertThat(store.series(API.tenant(), API.sloId())).containsExactly(API);
    assertThat(reopened.corruptFiles()).isZero();
    store.prune(DAY_START - 1440);
    assertThat(torn).doesNotExist();
    assertThat(store.read(API, DAY_START, DAY_START + 1).total(DAY_START)).isEqualTo(10);
  }

  @Test
  void aCorruptFingerprintIsAbsentAndCounted() throws IOException {
    store.setFingerprint(API.tenant(), API.sloId(), "v1");
    Path meta;
    try (Stream<Path> paths = Files.walk(directory)) {
      meta = paths.filter(path -> path.getFileName().toString().equals(FileRollupStore.META_FILE)).findFirst().orElseThrow();
    }
    byte[] content = Files.readAllBytes(meta);
    content[content.length - 12] ^= 1;
    Files.write(meta, content);
    FileRollupStore reopened = reopen();
    assertThat(store.fingerprint(API.tenant(), API.sloId())).isEmpty();
    assertThat(reopened.corruptFiles()).isEqualTo(1);
  }

  @Test
  void theDayFileFormatIsSelfDescribing() throws Exception {
    SeriesKey grouped = new SeriesKey("t", "s", Map.of("pod", "p/1"));
    store.write(grouped, series(DAY_START + 5, 2, 7));
    byte[] content = Files.readAllBytes(dayFiles().getFirst());
    assertThat(java.util.Arrays.copyOf(content, 4)).isEqualTo(FileRollupStore.DAY_MAGIC);
    assertThat(new String(content, 5, content[4], java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(FileRollupStore.DAY_FORMAT);
    FileRollupStore.DecodedDay decoded = FileRollupStore.decodeDay(content);
    assertThat(decoded.key()).isEqualTo(grouped);
    assertThat(decoded.block().epochDay()).isEqualTo(DAY_START / 1440);
    assertThat(decoded.block().minutesWithData()).isEqualTo(1);
    assertThat(decoded.block().bad(5)).isEqualTo(2);
    assertThat(decoded.block().total(5)).isEqualTo(7);
    // header 30 + strings (4+1)+(4+1) + group 4 + (4+3)+(4+3) + day 8 + count 4 + bitmap 184 + one minute 16 + footer 8
    assertThat(content).hasSize(30 + 10 + 4 + 14 + 8 + 4 + 184 + 16 + 8);
  }

  @Test
  void escapedNamesAreSafeAndDistinct() {
    assertThat(FileRollupStore.escapeName("team-a_1")).isEqualTo("team-a_1");
    assertThat(FileRollupStore.escapeName("Team")).isEqualTo("%54eam");
    assertThat(FileRollupStore.escapeName("../x")).isEqualTo("%2E%2E%2Fx");
    assertThat(FileRollupStore.escapeName("")).startsWith("~").hasSize(33);
    String longName = "x".repeat(500);
    assertThat(FileRollupStore.escapeName(longName)).hasSize(64 + 1 + 32).isNotEqualTo(FileRollupStore.escapeName(longName + "y"));
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> new FileRollupStore(directory)).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
  }

  @Test
  void anSloDeletionInterruptedByACrashIsFinishedOnOpen() throws IOException {
    store.write(API, series(DAY_START, 1, 10));
    Path sloDirectory = dayFiles().getFirst().getParent().getParent();
    store.close();
    Path doomed = sloDirectory.resolveSibling(sloDirectory.getFileName() + ".deleted-1");
    Files.move(sloDirectory, doomed);
    store = new FileRollupStore(directory);
    assertThat(doomed).doesNotExist();
    assertThat(store.series(API.tenant(), API.sloId())).isEmpty();
  }
}
