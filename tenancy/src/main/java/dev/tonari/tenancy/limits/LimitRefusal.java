package dev.tonari.tenancy.limits;

/** A push refused by a tenant limit: the HTTP status to answer and Loki's message. */
public record LimitRefusal(int status, String message) {}
