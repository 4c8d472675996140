package dev.tonari.rules.remotewrite;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The server's {@code ruler.remote_write} section, with Loki's keys: where the samples of
 * recording rules are sent. Loki's deprecated single {@code client} and its {@code
 * config_refresh_period} (for per-tenant overrides, which Tonari does not have) are not supported.
 *
 * @param enabled {@code enabled}: whether samples are sent at all (default false)
 * @param clients {@code clients}: the clients by name; every sample goes to every client
 * @param addOrgIdHeader {@code add_org_id_header}: send {@code X-Scope-OrgID: <tenant>} with each
 *     request, the tenant whose rule recorded the samples (default true, as in Loki)
 */
public record RemoteWriteSettings(boolean enabled, Map<String, RemoteWriteClientSettings> clients, boolean addOrgIdHeader) {
  public RemoteWriteSettings {
    Objects.requireNonNull(clients, "clients");
    TreeMap<String, RemoteWriteClientSettings> sorted = new TreeMap<>();
    for (Map.Entry<String, RemoteWriteClientSettings> client : clients.entrySet()) {
      Objects.requireNonNull(client.getValue(), () -> "ruler.remote_write.clients." + client.getKey() + " has no settings");
      if (!client.getKey().equals(client.getValue().name())) {
        throw new IllegalArgumentException("ruler.remote_write.clients." + client.getKey() + ": its settings are named " + client.getValue().name()
            + "; a client is named by its key");
      }
      sorted.put(client.getKey(), client.getValue());
    }
    clients = Collections.unmodifiableMap(sorted);
    if (enabled && clients.isEmpty()) {
      throw new IllegalArgumentException("ruler.remote_write.clients: remote write is enabled (ruler.remote_write.enabled) but no clients are configured");
    }
  }

  /** Nothing is sent: Loki's default. */
  public static RemoteWriteSettings disabled() {
    return new RemoteWriteSettings(false, Map.of(), true);
  }

  /** Enabled, with {@code X-Scope-OrgID}, to these clients. */
  public static RemoteWriteSettings of(RemoteWriteClientSettings... clients) {
    Map<String, RemoteWriteClientSettings> byName = new TreeMap<>();
    for (RemoteWriteClientSettings client : clients) {
      if (byName.put(client.name(), client) != null) {
        throw new IllegalArgumentException("ruler.remote_write.clients." + client.name() + " is given twice");
      }
    }
    return new RemoteWriteSettings(true, byName, true);
  }

  public RemoteWriteSettings withAddOrgIdHeader(boolean add) {
    return new RemoteWriteSettings(enabled, clients, add);
  }
}
