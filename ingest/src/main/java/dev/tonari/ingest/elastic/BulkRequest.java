package dev.tonari.ingest.elastic;

import dev.tonari.ingest.PushRequest;
import java.util.List;

/**
 * A decoded {@code _bulk} body: the entries to store and one item per action, in request order.
 *
 * @param request the streams of the {@code index} and {@code create} items that decoded
 * @param items every action; those with {@link Item#error()} null are in {@code request}
 */
public record BulkRequest(PushRequest request, List<Item> items) {
  public BulkRequest {
    items = List.copyOf(items);
  }

  /**
   * One action line (and its source).
   *
   * @param action {@code index}, {@code create}, {@code update} or {@code delete}
   * @param index the {@code _index} of the action, else the path's, else empty
   * @param id the {@code _id} of the action, else empty (the answer makes one up)
   * @param error null when the item was decoded and goes to the store; else why not
   */
  public record Item(String action, String index, String id, ItemError error) {}

  /** A per-item refusal, in Elasticsearch's terms. */
  public record ItemError(int status, String type, String reason) {}

  public int decodedItems() {
    int n = 0;
    for (Item item : items) {
      if (item.error() == null) {
        n++;
      }
    }
    return n;
  }
}
