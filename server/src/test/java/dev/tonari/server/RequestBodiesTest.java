package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void aDeclaredLengthIsReadWhole() throws IOException {
    byte[] body = bytes(100_000);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), body.length, 1 << 20)).isEqualTo(body);
  }

  @Test
  void withoutADeclaredLengthTheBodyIsReadUpToOnePastTheLimit() throws IOException {
    byte[] body = bytes(5_000);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), -1, 10_000)).isEqualTo(body);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), -1, 1_000)).hasSize(1_001);
  }

  @Test
  void aBodyShorterThanDeclaredIsWhatArrived() throws IOException {
    byte[] body = bytes(3_000);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), 4_000, 10_000)).isEqualTo(body);
  }

  @Test
  void aBodyLongerThanDeclaredIsReadOnButStillBounded() throws IOException {
    byte[] body = bytes(6_000);
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(body), 4_000, 10_000)).isEqualTo(body);
    byte[] bounded = RequestBodies.readAtMost(new ByteArrayInputStream(body), 4_000, 5_000);
    assertThat(bounded).hasSize(5_001);
    assertThat(java.util.Arrays.copyOf(body, 5_001)).isEqualTo(bounded);
  }

  @Test
  void aDeclaredLengthOverTheLimitReadsOnlyOnePastIt() throws IOException {
    assertThat(RequestBodies.readAtMost(new ByteArrayInputStream(bytes(9_000)), 9_000, 2_000)).hasSize(2_001);
  }
}
