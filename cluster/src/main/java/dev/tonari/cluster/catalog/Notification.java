package dev.tonari.cluster.catalog;

/**
 * A notification waiting in the outbox: its id (the order it was enqueued in), the tenant and
 * receiver it is for, the payload to send, and how many times a worker has claimed it (1 on the
 * first claim; more means an earlier worker's claim expired before it marked it delivered).
 */
public record Notification(long id, String tenant, String receiver, byte[] payload, int attempts) {}
