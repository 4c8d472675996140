package dev.tonari.rules.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.rules.alert.AlertState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert state file: what is written reads back; a torn, altered or foreign file is refused with its name and the reason. */
class AlertStateFileTest {
  private static final GroupKey KEY = new GroupKey("team-a", "api", "errors \"5xx\"");
  private static final Instant SAVED = Instant.parse("2026-01-05T10:00:00.123456789Z");

  private static ActiveAlert alert(AlertState state, double value) {
    ActiveAlert alert = new ActiveAlert(Map.of("alertname", "HighErrors", "instance", "é:1"), Map.of("summary", "line\nbreak \"quoted\""), state,
        SAVED.minusSeconds(300), value);
    alert.firedAt = state == AlertState.PENDING ? null : SAVED.minusSeconds(60);
    alert.resolvedAt = state == AlertState.INACTIVE ? SAVED : null;
    alert.lastSentAt = SAVED.minusSeconds(30);
    alert.validUntil = SAVED.plusSeconds(210);
    alert.keepFiringSince = state == AlertState.FIRING ? SAVED.minusSeconds(5) : null;
    return alert;
  }

  private static byte[] sample() {
    return AlertStateFile.encode(KEY, SAVED, Map.of("HighErrors#0", List.of(alert(AlertState.FIRING, Double.NaN), alert(AlertState.PENDING, 1.5)),
        "HighErrors#1", List.of(alert(AlertState.INACTIVE, Double.POSITIVE_INFINITY)), "Quiet#0", List.of()));
  }

  @Test
  void whatIsWrittenReadsBack(@TempDir Path directory) throws Exception {
    Path file = AlertStateFile.pathOf(directory, KEY);
    AlertStateFile.write(file, sample());

    List<String> problems = new ArrayList<>();
    List<AlertStateFile.Saved> saved = AlertStateFile.readAll(directory, problems);

    assertThat(problems).isEmpty();
    assertThat(saved).singleElement().satisfies(state -> {
      assertThat(state.key()).isEqualTo(KEY);
      assertThat(state.savedAt()).isEqualTo(SAVED);
      assertThat(state.alertsByRule()).containsOnlyKeys("HighErrors#0", "HighErrors#1");
      ActiveAlert firing = state.alertsByRule().get("HighErrors#0").get(0);
      ActiveAlert expected = alert(AlertState.FIRING, Double.NaN);
      assertThat(firing.labels).isEqualTo(expected.labels);
      assertThat(firing.annotations).isEqualTo(expected.annotations);
      assertThat(firing.state).isEqualTo(AlertState.FIRING);
      assertThat(firing.activeAt).isEqualTo(expected.activeAt);
      assertThat(firing.firedAt).isEqualTo(expected.firedAt);
      assertThat(firing.lastSentAt).isEqualTo(expected.lastSentAt);
      assertThat(firing.validUntil).isEqualTo(expected.validUntil);
      assertThat(firing.keepFiringSince).isEqualTo(expected.keepFiringSince);
      assertThat(firing.value).isNaN();
      assertThat(state.alertsByRule().get("HighErrors#0").get(1).firedAt).isNull();
      assertThat(state.alertsByRule().get("HighErrors#1").get(0).resolvedAt).isEqualTo(SAVED);
      assertThat(state.alertsByRule().get("HighErrors#1").get(0).value).isInfinite();
    });
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).startsWith("tonari-ruler-alert-state 1\n").containsPattern("\ncrc32 [0-9a-f]{8}\n$");
  }

  @Test
  void aTornOrAlteredFileIsRefusedWithItsNameAndTheReason(@TempDir Path directory) throws Exception {
    byte[] content = sample();
    Path file = directory.resolve("group-x.state");

    assertThatThrownBy(() -> AlertStateFile.decode(file, java.util.Arrays.copyOf(content, content.length - 20))).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("crc32 line at the end is missing");
    byte[] altered = content.clone();
    altered[60] = (byte) (altered[60] == 'a' ? 'b' : 'a');
    assertThatThrownBy(() -> AlertStateFile.decode(file, altered)).hasMessageContaining("checksum mismatch");
    assertThatThrownBy(() -> AlertStateFile.decode(file, "{\"tenant\":1}\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("line 1: expected \"tonari-ruler-alert-state 1\"");

    Files.write(file, java.util.Arrays.copyOf(content, 30));
    List<String> problems = new ArrayList<>();
    assertThat(AlertStateFile.readAll(directory, problems)).isEmpty();
    assertThat(problems).singleElement().asString().contains("group-x.state");
  }

  @Test
  void garbageFailsOnlyWithIOException() {
    Random random = new Random(20260105);
    byte[] valid = sample();
    Path file = Path.of("fuzz.state");
    for (int round = 0; round < 3000; round++) {
      byte[] garbage;
      switch (round % 3) {
        case 0 -> {
          garbage = new byte[random.nextInt(200)];
          random.nextBytes(garbage);
        }
        case 1 -> {
          garbage = valid.clone();
          for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            garbage[random.nextInt(garbage.length)] = (byte) random.nextInt(256);
          }
        }
        default -> garbage = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
      }
      try {
        AlertStateFile.decode(file, garbage);
      } catch (IOException expected) {
        assertThat(expected).hasMessageContaining("fuzz.state");
      }
    }
  }

  @Test
  void aValidChecksumOverWrongJsonIsStillRefusedCleanly() {
    String body = "tonari-ruler-alert-state 1\n{\"tenant\":\"a\",\"namespace\":\"n\",\"group\":\"g\",\"savedAt\":\"yesterday\",\"rules\":[]}\n";
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    byte[] content = (body + String.format("crc32 %08x\n", crc.getValue())).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> AlertStateFile.decode(Path.of("g.state"), content)).isInstanceOf(IOException.class).hasMessageContaining("line 2");
  }
}
