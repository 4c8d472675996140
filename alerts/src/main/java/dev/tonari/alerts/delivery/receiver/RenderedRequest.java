package dev.tonari.alerts.delivery.receiver;

import java.util.Map;
import java.util.Optional;

/**
 * A notification ready to post, as the outbox stores it: the exact body is rendered once, so a
 * retry (even after a restart) sends the same bytes.
 *
 * @param url the URL to post to; empty when {@code urlFile} names it
 * @param urlFile a file holding the URL (Slack's {@code api_url_file}), read at each attempt
 * @param urlSuffix appended to the URL read from the file (query parameters); empty if none
 * @param headers extra request headers
 * @param body the JSON body
 * @param expectedBody the response body that means success (Slack's {@code ok}), if any
 */
public record RenderedRequest(String url, String urlFile, String urlSuffix, Map<String, String> headers, String body, Optional<String> expectedBody) {
  public RenderedRequest {
    headers = Map.copyOf(headers);
  }
}
