package dev.tonari.cluster.catalog;

/** One published revision of a named configuration. */
public record ConfigRevision(String name, long revision, byte[] content, long publishedAtMillis) {}
