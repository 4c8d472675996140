package dev.tonari.server;

import dev.tonari.ui.UiAssets;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Serves the built-in UI under {@code /ui/} from the {@code ui} module's jar, and {@code
 * /ui/config.json} (whether single sign-on is on, so the sign-in page offers the right choices).
 *
 * <p>Every page gets a strict Content-Security-Policy (scripts, styles and connections from this
 * server only; no inline script; no framing), {@code nosniff} and a same-origin referrer policy:
 * the UI shows log lines that anyone who can push wrote, so it must not be able to run them.
 */
final class UiHandlers {
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
      + "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self' https: http:";

  private final UiAssets assets = new UiAssets();
  private final boolean ssoEnabled;
  private final boolean authEnabled;
  private final String version;

  UiHandlers(boolean ssoEnabled, boolean authEnabled, String version) {
    this.ssoEnabled = ssoEnabled;
    this.authEnabled = authEnabled;
    this.version = version;
  }

  void asset(Context ctx) {
    String path = ctx.path().startsWith("/ui/") ? ctx.path().substring("/ui/".length()) : "";
    Optional<UiAssets.Asset> asset = assets.find(path);
    secure(ctx);
    if (asset.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no UI file " + ctx.path() + "\n");
      return;
    }
    ctx.header("ETag", asset.get().etag());
    ctx.header("Cache-Control", "no-cache");
    if (asset.get().etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(asset.get().contentType()).result(asset.get().bytes());
  }

  void config(Context ctx) {
    secure(ctx);
    ctx.header("Cache-Control", "no-store");
    String body = "{\"sso\":" + ssoEnabled + ",\"auth_enabled\":" + authEnabled + ",\"version\":\"" + version.replace("\"", "") + "\"}";
    ctx.contentType("application/json; charset=utf-8").result(body.getBytes(StandardCharsets.UTF_8));
  }

  void redirectToIndex(Context ctx) {
    ctx.redirect("/ui/", io.javalin.http.HttpStatus.FOUND);
  }

  private static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
  }
}
