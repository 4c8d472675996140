package dev.tonari.cluster.ruler;

import java.util.OptionalLong;

/**
 * The fencing token of each tenant this ruler holds: the generation of its lease {@code
 * ruler/<tenant>}, which the catalog stores with every state blob and refuses to see go back.
 * {@link RulerLeases} is the implementation; the state stores take this interface.
 */
@FunctionalInterface
public interface LeaseGenerations {
  /** The generation of the tenant's lease while this ruler believes it holds it; empty otherwise. */
  OptionalLong generation(String tenant);
}
