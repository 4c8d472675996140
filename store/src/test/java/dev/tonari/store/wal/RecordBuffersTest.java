package dev.tonari.store.wal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordBuffersTest {
  @Test
  void anArrayGivenBackIsTakenAgainByARecordItHolds() {
    RecordBuffers buffers = new RecordBuffers();
    byte[] first = buffers.take(100_000);
    assertThat(first).hasSizeGreaterThanOrEqualTo(100_000);
    buffers.give(first);
    assertThat(buffers.take(50_000)).isSameAs(first);
  }

  @Test
  void anArrayTooSmallForTheRecordIsDroppedForALargerOne() {
    RecordBuffers buffers = new RecordBuffers();
    byte[] small = buffers.take(10);
    assertThat(small).hasSize(RecordBuffers.MIN_BYTES);
    buffers.give(small);
    byte[] large = buffers.take(RecordBuffers.MIN_BYTES + 1);
    assertThat(large).isNotSameAs(small).hasSize(RecordBuffers.MIN_BYTES + 1);
    assertThat(buffers.pooled()).isZero();
  }

  @Test
  void thePoolKeepsAtMostItsCountOfArraysAndNoneAboveItsSize() {
    RecordBuffers buffers = new RecordBuffers();
    for (int i = 0; i < RecordBuffers.POOLED + 3; i++) {
      buffers.give(new byte[RecordBuffers.MIN_BYTES]);
    }
    assertThat(buffers.pooled()).isEqualTo(RecordBuffers.POOLED);
    RecordBuffers other = new RecordBuffers();
    other.give(new byte[RecordBuffers.MAX_POOLED_BYTES + 1]);
    assertThat(other.pooled()).isZero();
  }
}
