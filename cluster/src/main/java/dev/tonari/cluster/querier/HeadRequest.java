package dev.tonari.cluster.querier;

import dev.tonari.store.Direction;
import dev.tonari.store.Labels;
import java.util.List;

/**
 * What a querier asks an ingester about its unflushed head. A {@link dev.tonari.store.SelectRequest}
 * carries a stream predicate and a line filter that are code, not data, so the exchange is split:
 * the querier asks for the head's {@link Streams label sets}, keeps those its predicate matches,
 * then asks for the {@link Entries entries} of exactly those label sets and applies the line filter
 * itself. Nothing of the request is lost on the way.
 */
public sealed interface HeadRequest {
  String tenant();

  /** Label sets of the tenant's head streams with entries in [fromNanos, toNanos). */
  record Streams(String tenant, long fromNanos, long toNanos) implements HeadRequest {}

  /** Every entry in [fromNanos, toNanos) of these exact streams, each stream in {@code direction}. */
  record Entries(String tenant, List<Labels> streams, long fromNanos, long toNanos, Direction direction) implements HeadRequest {
    public Entries {
      streams = List.copyOf(streams);
    }
  }

  /** Sorted distinct label names of head streams with entries in [fromNanos, toNanos). */
  record LabelNames(String tenant, long fromNanos, long toNanos) implements HeadRequest {}

  /** Sorted distinct values of one label over head streams with entries in [fromNanos, toNanos). */
  record LabelValues(String tenant, String name, long fromNanos, long toNanos) implements HeadRequest {}

  /** Volumes of these exact head streams over [fromNanos, toNanos). */
  record Volumes(String tenant, List<Labels> streams, long fromNanos, long toNanos) implements HeadRequest {
    public Volumes {
      streams = List.copyOf(streams);
    }
  }

  /** Tenants with data in the head; {@link #tenant()} is empty. */
  record Tenants() implements HeadRequest {
    @Override
    public String tenant() {
      return "";
    }
  }
}
