package dev.tonari.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChecksummedFileTest {
  private static final Path FILE = Path.of("state.bin");

  @Test
  void roundTripsAndRejectsEveryTornOrFlippedVersion() throws Exception {
    byte[] payload = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = ChecksummedFile.encode("TNOUTBOX", 1, payload);
    assertThat(ChecksummedFile.decode(FILE, bytes, "TNOUTBOX", 1)).isEqualTo(payload);
    for (int length = 0; length < bytes.length; length++) {
      byte[] torn = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> ChecksummedFile.decode(FILE, torn, "TNOUTBOX", 1)).isInstanceOf(ChecksummedFile.DamagedFileException.class).hasMessageContaining("state.bin");
    }
    for (int i = 0; i < bytes.length; i++) {
      byte[] flipped = bytes.clone();
      flipped[i] ^= 0x10;
      assertThatThrownBy(() -> ChecksummedFile.decode(FILE, flipped, "TNOUTBOX", 1)).isInstanceOf(ChecksummedFile.DamagedFileException.class);
    }
  }

  @Test
  void namesTheWrongFormatAndVersion() {
    byte[] bytes = ChecksummedFile.encode("TNNFLOG1", 2, new byte[0]);
    assertThatThrownBy(() -> ChecksummedFile.decode(FILE, bytes, "TNOUTBOX", 2)).hasMessageContaining("not a TNOUTBOX file").hasMessageContaining("TNNFLOG1");
    assertThatThrownBy(() -> ChecksummedFile.decode(FILE, bytes, "TNNFLOG1", 1)).hasMessageContaining("version 2 is not supported");
  }

  @Test
  void formatsTimesAsGoDoes() {
    assertThat(Rfc3339.format(java.time.Instant.parse("2024-05-01T12:00:00Z"))).isEqualTo("2024-05-01T12:00:00Z");
    assertThat(Rfc3339.format(java.time.Instant.parse("2024-05-01T12:00:00.120Z"))).isEqualTo("2024-05-01T12:00:00.12Z");
    assertThat(Rfc3339.format(Rfc3339.ZERO)).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(Rfc3339.parse("2024-05-01T14:00:00+02:00")).isEqualTo(java.time.Instant.parse("2024-05-01T12:00:00Z"));
  }
}
