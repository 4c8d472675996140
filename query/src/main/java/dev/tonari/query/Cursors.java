package dev.tonari.query;

import dev.tonari.store.EntryCursor;
import java.io.IOException;
import java.util.List;

/** Closing the store cursors of a query, all of them even when some fail, as one 500 naming the tenant. */
public final class Cursors {
  private Cursors() {}

  public static void closeAll(String tenant, List<EntryCursor> cursors) throws QueryException {
    IOException failure = EntryCursor.closeAll(cursors, null);
    if (failure != null) {
      throw new QueryException(500, "closing cursors of tenant " + tenant + ": " + failure.getMessage(), failure);
    }
  }
}
