package dev.tonari.cluster.log;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * How Tonari reaches its Kafka topic, for the distributors' producer, the ingesters' consumer
 * group and the admin client that creates the topic.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topic the push log's topic
 * @param partitions the topic's partition count: fixed for the life of the cluster, since it
 *     decides which partition a (tenant, stream) goes to ({@link PushLog#partitionOf})
 * @param replicationFactor replicas of each partition (3 in production, 1 in tests)
 * @param properties passed through to every client as they are: security ({@code
 *     security.protocol}, {@code sasl.*}, {@code ssl.*}) and any tuning; they override Tonari's
 *     defaults except the settings exactly-once depends on ({@code acks}, idempotence, auto commit)
 * @param producerMaxBlock how long a send may wait for metadata or buffer space ({@code max.block.ms})
 * @param deliveryTimeout how long a record may take to be acknowledged, retries included ({@code
 *     delivery.timeout.ms}): with a dead Kafka a push is answered 503 after about this long
 * @param requestTimeout one request's timeout ({@code request.timeout.ms})
 * @param consumerGroupId the ingesters' consumer group
 * @param sessionTimeout how long the group waits for a silent ingester (kill -9) before giving its
 *     partitions to the others ({@code session.timeout.ms})
 */
public record KafkaSettings(
    String bootstrapServers,
    String topic,
    int partitions,
    short replicationFactor,
    Map<String, String> properties,
    Duration producerMaxBlock,
    Duration deliveryTimeout,
    Duration requestTimeout,
    String consumerGroupId,
    Duration sessionTimeout) {
  /** Producer settings exactly-once needs; a pass-through property that contradicts one is refused. */
  private static final Map<String, String> FIXED_PRODUCER = Map.of("acks", "all", "enable.idempotence", "true");

  private static final Set<String> FIXED_CONSUMER = Set.of("enable.auto.commit", "group.id", "key.deserializer", "value.deserializer");

  public KafkaSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap_servers must be set (host:port,...)");
    }
    if (topic == null || topic.isBlank() || topic.length() > 249) {
      throw new IllegalArgumentException("kafka.topic must have 1 to 249 characters, got " + (topic == null ? "none" : "'" + topic + "'"));
    }
    if (partitions < 1 || partitions > 100_000) {
      throw new IllegalArgumentException("kafka.partitions must be between 1 and 100000, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("kafka.replication_factor must be at least 1, got " + replicationFactor);
    }
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    for (Map.Entry<String, String> fixed : FIXED_PRODUCER.entrySet()) {
      String given = properties.get(fixed.getKey());
      if (given != null && !given.equals(fixed.getValue())) {
        throw new IllegalArgumentException(
            "kafka property " + fixed.getKey() + "=" + given + " is refused: pushes are acknowledged only with " + fixed.getKey() + "=" + fixed.getValue());
      }
    }
    for (String key : FIXED_CONSUMER) {
      if (properties.containsKey(key)) {
        throw new IllegalArgumentException("kafka property " + key + " is refused: Tonari sets it (offsets live in the catalog, the group is kafka.consumer_group)");
      }
    }
    requirePositive("kafka.producer_max_block", producerMaxBlock);
    requirePositive("kafka.delivery_timeout", deliveryTimeout);
    requirePositive("kafka.request_timeout", requestTimeout);
    requirePositive("kafka.session_timeout", sessionTimeout);
    if (deliveryTimeout.compareTo(requestTimeout.plus(Duration.ofMillis(KafkaPushLog.LINGER_MILLIS))) < 0) {
      throw new IllegalArgumentException(
          "kafka.delivery_timeout (" + deliveryTimeout.toMillis() + " ms) must be at least kafka.request_timeout (" + requestTimeout.toMillis() + " ms) plus the linger of "
              + KafkaPushLog.LINGER_MILLIS + " ms");
    }
    if (consumerGroupId == null || consumerGroupId.isBlank()) {
      throw new IllegalArgumentException("kafka.consumer_group must be set");
    }
  }

  /**
   * Tonari's defaults: 3 replicas, and timeouts that turn a dead Kafka into a 503 within about 6 s
   * (a send waits at most 4 s for metadata, a record at most 6 s for its acknowledgement), an
   * ingester's crash noticed within 10 s.
   */
  public static KafkaSettings defaults(String bootstrapServers, String topic, int partitions) {
    return new KafkaSettings(
        bootstrapServers, topic, partitions, (short) 3, Map.of(), Duration.ofSeconds(4), Duration.ofSeconds(6), Duration.ofSeconds(3), "tonari-ingesters", Duration.ofSeconds(10));
  }

  public KafkaSettings withReplicationFactor(int factor) {
    return new KafkaSettings(bootstrapServers, topic, partitions, (short) factor, properties, producerMaxBlock, deliveryTimeout, requestTimeout, consumerGroupId, sessionTimeout);
  }

  public KafkaSettings withProperties(Map<String, String> passedThrough) {
    return new KafkaSettings(bootstrapServers, topic, partitions, replicationFactor, passedThrough, producerMaxBlock, deliveryTimeout, requestTimeout, consumerGroupId, sessionTimeout);
  }

  public KafkaSettings withConsumerGroup(String groupId) {
    return new KafkaSettings(bootstrapServers, topic, partitions, replicationFactor, properties, producerMaxBlock, deliveryTimeout, requestTimeout, groupId, sessionTimeout);
  }

  public KafkaSettings withSessionTimeout(Duration timeout) {
    return new KafkaSettings(bootstrapServers, topic, partitions, replicationFactor, properties, producerMaxBlock, deliveryTimeout, requestTimeout, consumerGroupId, timeout);
  }

  public KafkaSettings withProducerTimeouts(Duration maxBlock, Duration delivery, Duration request) {
    return new KafkaSettings(bootstrapServers, topic, partitions, replicationFactor, properties, maxBlock, delivery, request, consumerGroupId, sessionTimeout);
  }

  /** The admin client's settings: servers, request timeout, and the pass-through properties. */
  public Properties adminProperties() {
    Properties result = new Properties();
    result.put("bootstrap.servers", bootstrapServers);
    result.put("request.timeout.ms", Long.toString(requestTimeout.toMillis()));
    result.put("default.api.timeout.ms", Long.toString(Math.max(deliveryTimeout.toMillis(), requestTimeout.toMillis())));
    putPassThrough(result, Set.of("acks", "enable.idempotence"));
    return result;
  }

  /** The producer's settings; {@code compression} is lz4 unless the properties say otherwise. */
  public Properties producerProperties(String clientId) {
    Properties result = new Properties();
    result.put("bootstrap.servers", bootstrapServers);
    result.put("client.id", clientId);
    result.put("compression.type", "lz4");
    result.put("linger.ms", Integer.toString(KafkaPushLog.LINGER_MILLIS));
    result.put("batch.size", Integer.toString(256 * 1024));
    result.put("buffer.memory", Long.toString(64L << 20));
    result.put("max.in.flight.requests.per.connection", "5");
    result.put("max.block.ms", Long.toString(producerMaxBlock.toMillis()));
    result.put("delivery.timeout.ms", Long.toString(deliveryTimeout.toMillis()));
    result.put("request.timeout.ms", Long.toString(requestTimeout.toMillis()));
    result.put("reconnect.backoff.max.ms", "1000");
    putPassThrough(result, Set.of());
    result.putAll(FIXED_PRODUCER);
    result.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    result.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return result;
  }

  /** The ingesters' consumer: no auto commit (offsets live in the catalog), cooperative rebalancing. */
  public Properties consumerProperties(String clientId) {
    Properties result = new Properties();
    result.put("bootstrap.servers", bootstrapServers);
    result.put("client.id", clientId);
    result.put("group.protocol", "classic");
    result.put("session.timeout.ms", Long.toString(sessionTimeout.toMillis()));
    result.put("heartbeat.interval.ms", Long.toString(Math.max(100, sessionTimeout.toMillis() / 3)));
    // A flush (parts to S3, then the catalog) runs between polls: give it minutes, not seconds.
    result.put("max.poll.interval.ms", "300000");
    result.put("max.poll.records", "2000");
    result.put("auto.offset.reset", "earliest");
    result.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    result.put("request.timeout.ms", Long.toString(Math.max(requestTimeout.toMillis(), 5000)));
    result.put("default.api.timeout.ms", "10000");
    result.put("reconnect.backoff.max.ms", "1000");
    result.put("isolation.level", "read_uncommitted");
    putPassThrough(result, Set.of("acks", "enable.idempotence"));
    result.put("group.id", consumerGroupId);
    result.put("enable.auto.commit", "false");
    result.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    result.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return result;
  }

  private void putPassThrough(Properties target, Set<String> skipped) {
    new TreeMap<>(properties).forEach((key, value) -> {
      if (!skipped.contains(key)) {
        target.put(key, value);
      }
    });
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }
}
