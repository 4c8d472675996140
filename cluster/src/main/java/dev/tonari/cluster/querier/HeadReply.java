package dev.tonari.cluster.querier;

/** An ingester's answer: what it reported about itself and the value asked for. */
public record HeadReply<T>(HeadState state, T value) {}
