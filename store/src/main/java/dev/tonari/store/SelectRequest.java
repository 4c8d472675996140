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
 * @param scanListener told of every block the scan decodes, and may stop the scan (see {@link
 *     ScanListener}); {@link ScanListener#NONE} when null. A store that wraps another must pass it
 *     on (see {@link #withTenant}).
 * @param caseInsensitiveLiterals substrings that every wanted line contains up to case (from
 *     {@code |~ "(?i)..."} filters); like {@code requiredLiterals} they only skip blocks, here
 *     through the case-folded filters of version-4 parts and the head (see {@link
 *     dev.tonari.store.bloom.NeedleProbes#of(List, List)})
 */
public record SelectRequest(
    String tenant,
    Predicate<Labels> streamSelector,
    long fromNanos,
    long toNanos,
    Direction direction,
    LinePredicate lineFilter,
    List<String> requiredLiterals,
    ScanListener scanListener,
    List<String> caseInsensitiveLiterals) {
  public SelectRequest {
    requiredLiterals = List.copyOf(requiredLiterals);
    caseInsensitiveLiterals = caseInsensitiveLiterals == null ? List.of() : List.copyOf(caseInsensitiveLiterals);
    if (lineFilter == null) {
      lineFilter = LinePredicate.ALL;
    }
    if (scanListener == null) {
      scanListener = ScanListener.NONE;
    }
  }

  /** A request without case-insensitive literals. */
  public SelectRequest(
      String tenant,
      Predicate<Labels> streamSelector,
      long fromNanos,
      long toNanos,
      Direction direction,
      LinePredicate lineFilter,
      List<String> requiredLiterals,
      ScanListener scanListener) {
    this(tenant, streamSelector, fromNanos, toNanos, direction, lineFilter, requiredLiterals, scanListener, List.of());
  }

  /** A request whose scan nobody listens to. */
  public SelectRequest(
      String tenant,
      Predicate<Labels> streamSelector,
      long fromNanos,
      long toNanos,
      Direction direction,
      LinePredicate lineFilter,
      List<String> requiredLiterals) {
    this(tenant, streamSelector, fromNanos, toNanos, direction, lineFilter, requiredLiterals, ScanListener.NONE);
  }

  public static SelectRequest all(String tenant, long fromNanos, long toNanos, Direction direction) {
    return new SelectRequest(tenant, labels -> true, fromNanos, toNanos, direction, LinePredicate.ALL, List.of());
  }

  /** The same request with this listener. */
  public SelectRequest withScanListener(ScanListener listener) {
    return new SelectRequest(tenant, streamSelector, fromNanos, toNanos, direction, lineFilter, requiredLiterals, listener, caseInsensitiveLiterals);
  }

  /** The same request with these case-insensitive literals. */
  public SelectRequest withCaseInsensitiveLiterals(List<String> literals) {
    return new SelectRequest(tenant, streamSelector, fromNanos, toNanos, direction, lineFilter, requiredLiterals, scanListener, literals);
  }

  /** The same request (filter, literals, listener) for another tenant and selector: what a view over several tenants sends to each. */
  public SelectRequest withTenant(String otherTenant, Predicate<Labels> otherSelector) {
    return new SelectRequest(
        otherTenant, otherSelector, fromNanos, toNanos, direction, lineFilter, requiredLiterals, scanListener, caseInsensitiveLiterals);
  }
}
