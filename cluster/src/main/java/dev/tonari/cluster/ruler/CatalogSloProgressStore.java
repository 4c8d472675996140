package dev.tonari.cluster.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonari.cluster.catalog.CatalogUnavailableException;
import dev.tonari.cluster.catalog.ClusterCatalog;
import dev.tonari.cluster.catalog.FencedException;
import dev.tonari.slo.engine.SloProgressStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * SLO evaluation progress in the cluster catalog, one state blob per tenant ({@code
 * ruler/slo-progress/<tenant>}: {@code {"<slo id>": <first minute not evaluated>}} as JSON),
 * written under the tenant's lease ({@link LeaseGenerations#writeUnderLease}), so that the ruler taking a tenant over evaluates
 * exactly the minutes its previous holder did not, and a ruler that lost the lease cannot move the
 * new holder's progress back.
 */
public final class CatalogSloProgressStore implements SloProgressStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ClusterCatalog catalog;
  private final LeaseGenerations leases;

  public CatalogSloProgressStore(ClusterCatalog catalog, LeaseGenerations leases) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.leases = Objects.requireNonNull(leases, "leases");
  }

  @Override
  public Map<String, Long> load(String tenant) throws IOException {
    String name = CatalogKeys.sloProgress(tenant);
    try {
      var content = catalog.loadState(name);
      Map<String, Long> progress = new TreeMap<>();
      if (content.isEmpty() || content.get().length == 0) {
        return progress;
      }
      JsonNode root = JSON.readTree(content.get());
      if (!root.isObject()) {
        throw new IOException("SLO progress " + name + " in the cluster catalog is not a JSON object");
      }
      root.properties().forEach(entry -> progress.put(entry.getKey(), entry.getValue().asLong()));
      return progress;
    } catch (CatalogUnavailableException e) {
      throw new IOException("cannot load SLO progress " + name + " from the cluster catalog: " + e.getMessage(), e);
    }
  }

  @Override
  public void save(Map<String, Map<String, Long>> byTenant) throws IOException {
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> entry : new TreeMap<>(byTenant).entrySet()) {
      String tenant = entry.getKey();
      String name = CatalogKeys.sloProgress(tenant);
      ObjectNode node = JSON.createObjectNode();
      new TreeMap<>(entry.getValue()).forEach(node::put);
      try {
        leases.writeUnderLease(catalog, tenant, Map.of(name, JSON.writeValueAsBytes(node)), List.of());
      } catch (FencedException | CatalogUnavailableException e) {
        refused.add("tenant " + tenant + ": " + e.getMessage());
      }
    }
    if (!refused.isEmpty()) {
      throw new IOException("SLO progress not saved in the cluster catalog for " + String.join("; ", refused));
    }
  }

  @Override
  public String toString() {
    return "the cluster catalog's SLO progress";
  }
}
