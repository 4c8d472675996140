package dev.tonari.store;

import java.util.List;
import java.util.function.Predicate;

/**
 * What to read: entries of one tenant's streams whose labels match {@code streamSelector}, with
 * {@code fromNanos <= timestamp < toNanos}, whose line passes {@code lineFilter}.
 *
 * @param requiredLiterals substrings that every wanted line contains (from {@code |=} filters);
 *     the store uses them only to skip blocks by their bloom filters, the lineFilter decides
 * @param direction order of entries within each stream cursor
 */
public record SelectRequest(
    String tenant,
    Predicate<Labels> streamSelector,
    long fromNanos,
    long toNanos,
    Direction direction,
    LinePredicate lineFilter,
    List<String> requiredLiterals) {
  public SelectRequest {
    requiredLiterals = List.copyOf(requiredLiterals);
    if (lineFilter == null) {
      lineFilter = LinePredicate.ALL;
    }
  }

  public static SelectRequest all(String tenant, long fromNanos, long toNanos, Direction direction) {
    return new SelectRequest(tenant, labels -> true, fromNanos, toNanos, direction, LinePredicate.ALL, List.of());
  }
}
