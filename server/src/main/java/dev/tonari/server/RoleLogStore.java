package dev.tonari.server;

import dev.tonari.cluster.log.PushLog;
import dev.tonari.cluster.log.PushLogUnavailableException;
import dev.tonari.store.ForwardingLogStore;
import dev.tonari.store.LogStore;
import dev.tonari.store.StreamBatch;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store a process of a cluster role hands its HTTP handlers: appends go to the push log (a
 * distributor's), reads to the cluster's read store (a querier's or ruler's), and the side a role
 * does not have is refused with the role's name, so a wiring mistake is a clear error rather than
 * a silent local write. Counts what it produced for {@code /metrics} and remembers whether Kafka
 * took the last push, for {@code /ready}.
 */
final class RoleLogStore extends ForwardingLogStore {
  private final String role;
  private final Optional<PushLog> pushLog;
  private final Optional<LogStore> reads;
  private final AtomicLong producedBatches = new AtomicLong();
  private final AtomicLong producedEntries = new AtomicLong();
  private final AtomicLong produceFailures = new AtomicLong();
  private volatile String lastProduceFailure;

  RoleLogStore(String role, Optional<PushLog> pushLog, Optional<LogStore> reads) {
    this.role = role;
    this.pushLog = pushLog;
    this.reads = reads;
  }

  @Override
  public void append(String tenant, List<StreamBatch> streams) throws IOException {
    if (pushLog.isEmpty()) {
      throw new IOException("this process's role (" + role + ") does not take pushes; send them to a distributor");
    }
    try {
      pushLog.get().append(tenant, streams);
    } catch (PushLogUnavailableException e) {
      produceFailures.incrementAndGet();
      lastProduceFailure = e.getMessage();
      throw e;
    }
    lastProduceFailure = null;
    long entries = 0;
    for (StreamBatch stream : streams) {
      entries += stream.entries().size();
    }
    producedBatches.addAndGet(streams.size());
    producedEntries.addAndGet(entries);
  }

  /** Reads go to the cluster's read store, refused by a role without one. */
  @Override
  protected LogStore delegate() throws IOException {
    if (reads.isEmpty()) {
      throw new IOException("this process's role (" + role + ") does not serve reads; send queries to a querier");
    }
    return reads.get();
  }

  /** Stream batches the push log took (one Kafka record each). */
  long producedBatches() {
    return producedBatches.get();
  }

  long producedEntries() {
    return producedEntries.get();
  }

  long produceFailures() {
    return produceFailures.get();
  }

  /** Why the last push did not reach the push log, or empty when it did (or none came yet). */
  Optional<String> lastProduceFailure() {
    return Optional.ofNullable(lastProduceFailure);
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    if (pushLog.isPresent()) {
      try {
        pushLog.get().close();
      } catch (RuntimeException e) {
        failure = new IOException("closing the push log of role " + role + ": " + e.getMessage(), e);
      }
    }
    if (reads.isPresent()) {
      try {
        reads.get().close();
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failure = new IOException("closing the read store of role " + role + ": " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
