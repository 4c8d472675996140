package dev.tonari.query.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The metric merge's heap must hand out streams in exactly the order of the {@link PriorityQueue}
 * with the (timestamp, index) comparator it replaced: a seeded k-way merge of random sorted
 * streams, with many equal timestamps across streams (whose order the index decides), taken
 * both ways side by side.
 */
class TimeOrderedHeapPropertyTest {
  /** One stream: its index and its sorted timestamps, read from position {@code next}. */
  private static final class Stream {
    final int index;
    final long[] timestamps;
    int next;

    Stream(int index, long[] timestamps) {
      this.index = index;
      this.timestamps = timestamps;
    }
  }

  @Property(tries = 2000)
  void mergesInThePriorityQueuesOrder(@ForAll long seed) {
    Random random = new Random(seed);
    int streamCount = random.nextInt(random.nextBoolean() ? 4 : 60);
    List<long[]> streams = new ArrayList<>();
    for (int s = 0; s < streamCount; s++) {
      long[] timestamps = new long[random.nextInt(40)];
      long at = random.nextInt(5);
      for (int i = 0; i < timestamps.length; i++) {
        at += random.nextInt(3) == 0 ? 0 : random.nextInt(4);
        timestamps[i] = at;
      }
      streams.add(timestamps);
    }
    assertThat(withHeap(streams, random.nextInt(3) + 1)).containsExactlyElementsOf(withPriorityQueue(streams));
  }

  /** The merge as the engine now runs it: the top re-keyed in place, or removed. */
  private static List<String> withHeap(List<long[]> streams, int initialCapacity) {
    TimeOrderedHeap<Stream> heap = new TimeOrderedHeap<>(initialCapacity);
    for (int s = 0; s < streams.size(); s++) {
      if (streams.get(s).length > 0) {
        heap.add(streams.get(s)[0], s, new Stream(s, streams.get(s)));
      }
    }
    List<String> order = new ArrayList<>();
    while (!heap.isEmpty()) {
      Stream top = heap.top();
      assertThat(heap.topTimestamp()).isEqualTo(top.timestamps[top.next]);
      order.add(top.timestamps[top.next] + "@" + top.index);
      top.next++;
      if (top.next < top.timestamps.length) {
        heap.replaceTopTimestamp(top.timestamps[top.next]);
      } else {
        heap.removeTop();
      }
    }
    return order;
  }

  /** The merge as it was: poll, then add again with the next timestamp. */
  private static List<String> withPriorityQueue(List<long[]> streams) {
    Comparator<Stream> order = Comparator.<Stream>comparingLong(stream -> stream.timestamps[stream.next]).thenComparingInt(stream -> stream.index);
    PriorityQueue<Stream> queue = new PriorityQueue<>(order);
    for (int s = 0; s < streams.size(); s++) {
      if (streams.get(s).length > 0) {
        queue.add(new Stream(s, streams.get(s)));
      }
    }
    List<String> merged = new ArrayList<>();
    while (!queue.isEmpty()) {
      Stream top = queue.poll();
      merged.add(top.timestamps[top.next] + "@" + top.index);
      top.next++;
      if (top.next < top.timestamps.length) {
        queue.add(top);
      }
    }
    return merged;
  }
}
