package dev.tonari.store.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.store.Labels;
import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class WalRecordCodecProperties {
  @Property(tries = 200)
  void roundTrips(@ForAll("records") WalRecord record) {
    assertThat(WalRecordCodec.decode(ByteBuffer.wrap(WalRecordCodec.encode(record)))).isEqualTo(record);
  }

  @Property(tries = 200)
  void everyTruncationIsRejected(@ForAll("records") WalRecord record) {
    byte[] encoded = WalRecordCodec.encode(record);
    for (int cut = 0; cut < encoded.length; cut++) {
      ByteBuffer prefix = ByteBuffer.wrap(encoded, 0, cut).slice();
      assertThatThrownBy(() -> WalRecordCodec.decode(prefix)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Provide
  Arbitrary<WalRecord> records() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '\u3000').ofMaxLength(20);
    Arbitrary<Labels> labels =
        Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5), text.filter(s -> !s.isEmpty()))
            .ofMaxSize(3)
            .map(Labels::of);
    Arbitrary<LogEntry> entry = Combinators.combine(Arbitraries.longs(), text, labels).as(LogEntry::new);
    Arbitrary<StreamBatch> stream = Combinators.combine(labels, entry.list().ofMaxSize(5)).as(StreamBatch::new);
    return Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), stream.list().ofMaxSize(4))
        .as((tenant, streams) -> new WalRecord(tenant, new ArrayList<>(streams)));
  }

}
