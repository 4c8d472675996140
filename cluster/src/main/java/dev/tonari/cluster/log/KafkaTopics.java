package dev.tonari.cluster.log;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the push log's topic, or checks the one that exists. */
public final class KafkaTopics {
  /** Long enough for a controller that is electing itself after a restart. */
  private static final long ADMIN_TIMEOUT_SECONDS = 30;

  private KafkaTopics() {}

  /**
   * Creates the topic with the settings' partitions and replication when it does not exist. A
   * topic that exists with another partition count is refused: the partition of every (tenant,
   * stream) would change, and with it which ingester holds a stream's head.
   *
   * @return true when this call created the topic
   * @throws IllegalStateException when the topic exists with another partition count, or Kafka
   *     could not be asked
   */
  public static boolean ensure(KafkaSettings settings) {
    java.util.Properties properties = settings.adminProperties();
    // Once at start, while the brokers may still be electing or the machine is busy starting
    // processes: the calls retry for the whole admin timeout, not just the push path's short one.
    properties.put("default.api.timeout.ms", Long.toString(TimeUnit.SECONDS.toMillis(ADMIN_TIMEOUT_SECONDS)));
    try (Admin admin = Admin.create(properties)) {
      for (int attempt = 0; ; attempt++) {
        Integer existing = partitionCount(admin, settings.topic());
        if (existing != null) {
          if (existing != settings.partitions()) {
            throw new IllegalStateException(
                "Kafka topic " + settings.topic() + " on " + settings.bootstrapServers() + " has " + existing + " partitions, but kafka.partitions is " + settings.partitions()
                    + ": the partition count decides where each stream goes and cannot change; set kafka.partitions to " + existing + " or use a new topic");
          }
          return false;
        }
        try {
          NewTopic topic = new NewTopic(settings.topic(), settings.partitions(), settings.replicationFactor())
              .configs(Map.of("min.insync.replicas", Integer.toString(Math.min(2, settings.replicationFactor()))));
          admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException && attempt == 0) {
            continue; // another process created it meanwhile: check its partition count
          }
          throw new IllegalStateException("creating Kafka topic " + settings.topic() + " with " + settings.partitions() + " partitions and replication factor "
              + settings.replicationFactor() + " on " + settings.bootstrapServers() + " failed: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating Kafka topic " + settings.topic(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka on " + settings.bootstrapServers() + " did not answer within " + ADMIN_TIMEOUT_SECONDS + " s while creating topic " + settings.topic(), e);
    }
  }

  /** The topic's partition count, or null when it does not exist. */
  private static Integer partitionCount(Admin admin, String topic) throws InterruptedException, TimeoutException {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      return description.partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw new IllegalStateException("describing Kafka topic " + topic + " failed: " + e.getCause(), e.getCause());
    }
  }
}
