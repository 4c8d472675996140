package dev.tonari.server;

import dev.tonari.store.LogStore;
import dev.tonari.store.engine.DiskLogStore;
import io.javalin.http.Context;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ready}: 200 "ready" while the store's object store can be used; 503 with the reason
 * (a deleted bucket, refused credentials) otherwise, so a load balancer stops sending traffic and
 * an operator sees why, while pushes keep landing in the WAL.
 */
final class StorageReadiness {
  private static final Logger log = LoggerFactory.getLogger(StorageReadiness.class);

  private StorageReadiness() {}

  static void answer(Context ctx, LogStore store) {
    ctx.contentType("text/plain; charset=utf-8");
    if (store instanceof DiskLogStore disk) {
      try {
        disk.checkStorage();
      } catch (IOException | RuntimeException e) {
        log.warn("not ready: storage check failed", e);
        ctx.status(503).result("not ready: storage: " + e.getMessage() + "\n");
        return;
      }
    }
    ctx.result("ready\n");
  }
}
