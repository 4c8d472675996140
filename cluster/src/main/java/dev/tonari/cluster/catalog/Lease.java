package dev.tonari.cluster.catalog;

/** A lease's holder, its fencing generation and when it expires (epoch millis, catalog clock). */
public record Lease(String name, String holder, long generation, long expiresAtMillis) {}
