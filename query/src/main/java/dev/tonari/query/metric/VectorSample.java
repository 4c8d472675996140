package dev.tonari.query.metric;

import dev.tonari.store.Labels;

/** One sample of an instant vector. */
public record VectorSample(Labels labels, long timestampNanos, double value) {}
