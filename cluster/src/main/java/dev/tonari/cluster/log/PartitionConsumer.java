package dev.tonari.cluster.log;

import dev.tonari.store.wal.WalRecord;
import dev.tonari.store.wal.WalRecordCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ingester's consumer loop over the push log's consumer group, on a thread of its own that
 * every {@link Listener} call runs on (Kafka's consumer is single-threaded, and the ingester's
 * flush at revocation must run inside the rebalance). Offsets are never committed to Kafka: the
 * listener says where each assigned partition starts (the catalog's committed offsets) and moves
 * them itself, in the catalog, together with the parts.
 *
 * <p>A member killed with -9 is noticed by the group after the session timeout and its
 * partitions are handed to the others; a broker that is briefly down makes polls come back empty
 * while the client reconnects. Failures of the loop are logged at most once per {@link
 * #LOG_INTERVAL} with a count, and the loop goes on.
 */
public final class PartitionConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartitionConsumer.class);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(30);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);
  private static final long FAILURE_BACKOFF_MILLIS = 500;

  /** What the ingester does with the consumer's events; every call is made on the consumer's thread. */
  public interface Listener {
    /**
     * Partitions given to this member. {@code endOffsets} holds each one's end (the offset the next
     * record will get) when it was assigned, or -1 when Kafka could not say; the answer is the
     * offset to start each at. A partition left out (the listener could not tell yet, say the
     * catalog was out of reach) is paused until the listener calls {@link #startAt}.
     */
    Map<Integer, Long> assigned(Map<Integer, Long> endOffsets);

    /** Partitions about to go to another member: flush and commit them before returning. */
    void revoked(Set<Integer> partitions);

    /** Partitions already given to another member (this one's session expired): nothing of them may be committed any more. */
    void lost(Set<Integer> partitions);

    /** The records of one poll, in offset order within each partition. */
    void records(List<PushLogRecord> records);

    /** After every poll, with or without records: time-driven work (flush by age, heartbeats). */
    void polled();
  }

  private final KafkaSettings settings;
  private final String clientId;
  private final Listener listener;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final FailureLog failures = new FailureLog();
  private final AtomicLong undecodableRecords = new AtomicLong();
  private volatile Set<Integer> assignment = Set.of();
  private volatile boolean running = true;
  /** Set by {@link #crash()}: the consumer goes away without telling the group or the listener. */
  private volatile boolean crashing;
  private boolean rejoinRequested;
  /** While true (a rejoin in progress) the listener is not told of the partitions given up. */
  private boolean silentRevocation;

  public PartitionConsumer(KafkaSettings settings, String clientId, Listener listener) {
    this.settings = settings;
    this.clientId = clientId;
    this.listener = listener;
    this.consumer = new KafkaConsumer<>(settings.consumerProperties(clientId));
    this.thread = new Thread(this::run, "tonari-consumer-" + clientId);
    this.thread.setDaemon(true);
  }

  /** Joins the group and starts consuming on the consumer's thread. */
  public void start() {
    thread.start();
  }

  public String clientId() {
    return clientId;
  }

  /** The partitions this member owns now (a snapshot, readable from any thread). */
  public Set<Integer> assignment() {
    return assignment;
  }

  /** Records that could not be decoded (logged with their partition and offset, then skipped). */
  public long undecodableRecords() {
    return undecodableRecords.get();
  }

  /** Consumer thread only: the next offset this member will read of a partition it owns. */
  public long position(int partition) {
    requireConsumerThread();
    return consumer.position(new TopicPartition(settings.topic(), partition));
  }

  /** Consumer thread only: how far behind the partition's end the position is, when the client knows. */
  public long lag(int partition) {
    requireConsumerThread();
    return consumer.currentLag(new TopicPartition(settings.topic(), partition)).orElse(-1);
  }

  /** Consumer thread only: moves the position of an owned partition (after the listener dropped what it had read). */
  public void seek(int partition, long offset) {
    requireConsumerThread();
    TopicPartition topicPartition = new TopicPartition(settings.topic(), partition);
    if (offset <= 0) {
      consumer.seekToBeginning(List.of(topicPartition));
    } else {
      consumer.seek(topicPartition, offset);
    }
  }

  /** Consumer thread only: positions a partition that {@link Listener#assigned} left out and resumes it. */
  public void startAt(int partition, long offset) {
    seek(partition, offset);
    consumer.resume(List.of(new TopicPartition(settings.topic(), partition)));
  }

  /**
   * Consumer thread only: leaves the group and joins it again after the current call returns,
   * without telling the listener of the partitions given up (it has dropped them already); the
   * listener is then asked where to start each partition it gets.
   */
  public void rejoin() {
    requireConsumerThread();
    rejoinRequested = true;
  }

  private void requireConsumerThread() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("only the consumer thread of " + clientId + " may call this; it runs the listener");
    }
  }

  private void run() {
    RebalanceListener rebalance = new RebalanceListener();
    try {
      consumer.subscribe(List.of(settings.topic()), rebalance);
      while (running) {
        try {
          if (rejoinRequested) {
            rejoinRequested = false;
            silentRevocation = true;
            try {
              consumer.unsubscribe();
            } finally {
              silentRevocation = false;
            }
            assignment = Set.of();
            consumer.subscribe(List.of(settings.topic()), rebalance);
          }
          ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL_TIMEOUT);
          if (crashing) {
            break;
          }
          if (!polled.isEmpty()) {
            listener.records(decode(polled));
          }
          listener.polled();
        } catch (WakeupException e) {
          if (running) {
            failures.report("consumer " + clientId + " woken up while running", e);
          }
        } catch (InterruptException e) {
          if (running) {
            failures.report("consumer " + clientId + " interrupted while running", e);
          }
        } catch (KafkaException | IllegalStateException | java.io.UncheckedIOException e) {
          // The broker down, a rebalance callback that failed, the catalog out of reach: the
          // listener has dropped what it could not commit; keep polling after a pause.
          failures.report("consumer " + clientId + " of topic " + settings.topic(), e);
          pause(FAILURE_BACKOFF_MILLIS);
        }
      }
    } catch (RuntimeException e) {
      log.error("consumer {} of topic {} stopped: {}", clientId, settings.topic(), e.toString(), e);
    } finally {
      try {
        if (crashing) {
          consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).withTimeout(Duration.ZERO));
        } else {
          // Revokes the partitions (the listener flushes and commits), then leaves the group.
          consumer.close(Duration.ofSeconds(30));
        }
      } catch (RuntimeException e) {
        log.warn("closing consumer {} of topic {}: {}", clientId, settings.topic(), e.toString());
      }
      assignment = Set.of();
    }
  }

  private List<PushLogRecord> decode(ConsumerRecords<byte[], byte[]> polled) {
    List<PushLogRecord> records = new ArrayList<>(polled.count());
    for (ConsumerRecord<byte[], byte[]> record : polled) {
      WalRecord decoded;
      try {
        decoded = WalRecordCodec.decode(ByteBuffer.wrap(record.value() == null ? new byte[0] : record.value()));
      } catch (IllegalArgumentException e) {
        // A record no distributor wrote: it can never be ingested, and a stuck partition would stop every stream in it.
        undecodableRecords.incrementAndGet();
        failures.report("record at offset " + record.offset() + " of partition " + record.partition() + " of topic " + record.topic() + " is not a push record, skipped", e);
        continue;
      }
      records.add(new PushLogRecord(record.partition(), record.offset(), decoded.tenant(), decoded.streams()));
    }
    return records;
  }

  private final class RebalanceListener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Set<Integer> owned = new TreeSet<>();
      consumer.assignment().forEach(partition -> owned.add(partition.partition()));
      assignment = Set.copyOf(owned);
      if (partitions.isEmpty() || crashing) {
        return;
      }
      Map<Integer, Long> endOffsets = new TreeMap<>();
      partitions.forEach(partition -> endOffsets.put(partition.partition(), -1L));
      try {
        consumer.endOffsets(partitions, END_OFFSETS_TIMEOUT).forEach((partition, end) -> endOffsets.put(partition.partition(), end));
      } catch (KafkaException e) {
        failures.report("end offsets of partitions " + endOffsets.keySet() + " of topic " + settings.topic() + " unknown at assignment", e);
      }
      Map<Integer, Long> starts = new HashMap<>(listener.assigned(endOffsets));
      List<TopicPartition> unpositioned = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        Long start = starts.get(partition.partition());
        if (start == null) {
          // Never from Kafka's own committed offset or its beginning: that would read records twice.
          unpositioned.add(partition);
        } else {
          seek(partition.partition(), start);
        }
      }
      if (!unpositioned.isEmpty()) {
        consumer.pause(unpositioned);
      }
      log.info("consumer {} took partitions {} of topic {} (end offsets {}, starting at {})", clientId, endOffsets.keySet(), settings.topic(), endOffsets, new TreeMap<>(starts));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Set<Integer> revoked = numbers(partitions);
      try {
        if (!revoked.isEmpty() && !crashing && !silentRevocation) {
          log.info("consumer {} gives up partitions {} of topic {}", clientId, revoked, settings.topic());
          listener.revoked(revoked);
        }
      } finally {
        Set<Integer> owned = new TreeSet<>(assignment);
        owned.removeAll(revoked);
        assignment = Set.copyOf(owned);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      Set<Integer> lost = numbers(partitions);
      try {
        if (!lost.isEmpty() && !crashing && !silentRevocation) {
          log.warn("consumer {} lost partitions {} of topic {} (its session expired): their unflushed records are dropped", clientId, lost, settings.topic());
          listener.lost(lost);
        }
      } finally {
        Set<Integer> owned = new TreeSet<>(assignment);
        owned.removeAll(lost);
        assignment = Set.copyOf(owned);
      }
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    Set<Integer> numbers = new TreeSet<>();
    partitions.forEach(partition -> numbers.add(partition.partition()));
    return numbers;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops as a killed process would, for tests and for an ingester that must give up at once: no
   * callback, no leave request (the group notices after the session timeout), nothing committed.
   */
  public void crash() {
    crashing = true;
    running = false;
    consumer.wakeup();
    join();
  }

  /** Stops consuming: the owned partitions are revoked (the listener flushes and commits them) and the member leaves the group. */
  @Override
  public void close() {
    running = false;
    if (Thread.currentThread() == thread) {
      return;
    }
    consumer.wakeup();
    join();
  }

  private void join() {
    if (!thread.isAlive()) {
      return;
    }
    try {
      thread.join(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.error("consumer {} of topic {} did not stop within 60 s", clientId, settings.topic());
    }
  }

  /** Logs a failure, then at most one line per {@link #LOG_INTERVAL} with how many were left out. */
  private static final class FailureLog {
    private long lastLoggedNanos = Long.MIN_VALUE;
    private long suppressed;

    synchronized void report(String what, Throwable failure) {
      long now = System.nanoTime();
      if (lastLoggedNanos != Long.MIN_VALUE && now - lastLoggedNanos < LOG_INTERVAL.toNanos()) {
        suppressed++;
        return;
      }
      log.warn("{}: {}{}", what, failure.toString(), suppressed == 0 ? "" : " (" + suppressed + " similar failures since the last report)");
      lastLoggedNanos = now;
      suppressed = 0;
    }
  }
}
