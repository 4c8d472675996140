package dev.tonari.cluster.catalog;

import java.util.List;

/**
 * A live process of the cluster: its id, role, the address other processes reach it at
 * ({@code host:port}), the partitions it owns (ingesters) and whether it has replayed them up to the
 * end of the log it found when it took them (only then is its head complete for queriers).
 */
public record Member(String id, String role, String address, List<Integer> partitions, boolean caughtUp) {
  public Member {
    partitions = List.copyOf(partitions);
  }
}
