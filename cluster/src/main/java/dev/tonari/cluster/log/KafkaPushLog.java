package dev.tonari.cluster.log;

import dev.tonari.store.LogEntry;
import dev.tonari.store.StreamBatch;
import dev.tonari.store.wal.WalRecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The push log on Kafka: one idempotent producer (acks=all) per process, shared by every push
 * thread. Each (tenant, stream batch) becomes one record, its value the store's WAL record
 * encoding ({@link WalRecordCodec}) of that tenant and that one batch, its key {@code tenant + "\n" +
 * labels}, its partition {@link PushLog#partitionOf}. A batch too large for one Kafka record is
 * split into several records of the same stream (same partition, in order).
 */
public final class KafkaPushLog implements PushLog {
  /** Small: a push waits for it, but sends of concurrent pushes still share requests. */
  static final int LINGER_MILLIS = 5;
  /** The wait a 503 tells the client to take: a broker restart or leader election takes a few seconds. */
  static final long RETRY_AFTER_SECONDS = 5;
  /**
   * Line bytes per record: below the broker's default max.message.bytes (1 MiB) and the
   * producer's max.request.size with room for labels, timestamps and framing.
   */
  static final int MAX_RECORD_LINE_BYTES = 768 * 1024;

  private final KafkaSettings settings;
  private final Producer<byte[], byte[]> producer;
  /** Slack past the delivery timeout before append stops waiting itself: the producer fails records first. */
  private final long waitMillis;

  public KafkaPushLog(KafkaSettings settings, String clientId) {
    this.settings = settings;
    this.producer = new KafkaProducer<>(settings.producerProperties(clientId));
    this.waitMillis = settings.deliveryTimeout().toMillis() + settings.producerMaxBlock().toMillis() + 1000;
  }

  public KafkaSettings settings() {
    return settings;
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) {
    List<Pending> pending = new ArrayList<>(streams.size());
    byte[] tenantPrefix = (tenant + "\n").getBytes(StandardCharsets.UTF_8);
    for (StreamBatch stream : streams) {
      if (stream.entries().isEmpty()) {
        continue;
      }
      String labels = stream.labels().toString();
      int partition = PushLog.partitionOf(tenant, labels, settings.partitions());
      byte[] labelBytes = labels.getBytes(StandardCharsets.UTF_8);
      byte[] key = new byte[tenantPrefix.length + labelBytes.length];
      System.arraycopy(tenantPrefix, 0, key, 0, tenantPrefix.length);
      System.arraycopy(labelBytes, 0, key, tenantPrefix.length, labelBytes.length);
      for (StreamBatch chunk : chunks(stream)) {
        byte[] value = WalRecordCodec.encode(tenant, List.of(chunk), WalRecordCodec.utf8Lines(List.of(chunk)));
        Future<RecordMetadata> sent;
        try {
          sent = producer.send(new ProducerRecord<>(settings.topic(), partition, key, value));
        } catch (KafkaException | IllegalStateException e) {
          throw unavailable(tenant, partition, labels, e);
        }
        pending.add(new Pending(partition, labels, sent));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    // Every batch was handed over before the first wait: they travel in the same requests.
    for (Pending each : pending) {
      try {
        each.sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw unavailable(tenant, each.partition, each.labels, e.getCause());
      } catch (TimeoutException e) {
        throw unavailable(tenant, each.partition, each.labels, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable(tenant, each.partition, each.labels, e);
      }
    }
  }

  private RuntimeException unavailable(String tenant, int partition, String labels, Throwable cause) {
    if (cause instanceof RecordTooLargeException) {
      // Not Kafka's fault and not worth a retry: the distributor's line and push limits are set above the broker's.
      return new IllegalArgumentException(
          "a record of tenant " + tenant + " (stream " + labels + ") is larger than Kafka topic " + settings.topic() + " takes (max.message.bytes): " + cause.getMessage(), cause);
    }
    return new PushLogUnavailableException(
        "Kafka did not store the push of tenant " + tenant + " (stream " + labels + ") in partition " + partition + " of topic " + settings.topic() + " on "
            + settings.bootstrapServers() + ": " + cause,
        RETRY_AFTER_SECONDS,
        cause);
  }

  /** The batch itself, or consecutive slices of it that each fit one Kafka record. */
  static List<StreamBatch> chunks(StreamBatch stream) {
    long total = 0;
    for (LogEntry entry : stream.entries()) {
      total += entry.line().length() * 3L + 64;
      if (total > MAX_RECORD_LINE_BYTES) {
        break;
      }
    }
    if (total <= MAX_RECORD_LINE_BYTES) {
      return List.of(stream);
    }
    List<StreamBatch> chunks = new ArrayList<>();
    List<LogEntry> current = new ArrayList<>();
    long bytes = 0;
    for (LogEntry entry : stream.entries()) {
      long size = entry.line().getBytes(StandardCharsets.UTF_8).length + 64L + (entry.metadata().isEmpty() ? 0 : entry.metadata().toString().length() * 3L);
      if (!current.isEmpty() && bytes + size > MAX_RECORD_LINE_BYTES) {
        chunks.add(new StreamBatch(stream.labels(), current));
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(entry);
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(new StreamBatch(stream.labels(), current));
    }
    return chunks;
  }

  private record Pending(int partition, String labels, Future<RecordMetadata> sent) {}

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
