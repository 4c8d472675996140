package dev.tonari.cli.generate;

import java.util.List;

/**
 * The shape of the generated population: which tenants (teams) exist, and how many apps, envs and
 * pods each has. The number of streams is {@code tenants × appsPerTenant × envs × podsPerApp}, so
 * label cardinality is bounded by these options whatever the number of lines generated.
 *
 * @param tenants team names; each is a tenant and the {@code namespace} label of its streams
 * @param appsPerTenant apps per team, at most the size of the team's app vocabulary (6)
 * @param envs environment names ({@code env} label)
 * @param podsPerApp pods per app and env ({@code pod} label)
 * @param errorBurstsPerMillion expected number of error bursts started per million lines
 */
public record GeneratorOptions(
    List<String> tenants, int appsPerTenant, List<String> envs, int podsPerApp, int errorBurstsPerMillion) {
  public static final int MAX_APPS_PER_TENANT = 6;

  public GeneratorOptions {
    tenants = List.copyOf(tenants);
    envs = List.copyOf(envs);
    if (tenants.isEmpty() || envs.isEmpty()) {
      throw new IllegalArgumentException("generator needs at least one tenant and one env, got tenants=" + tenants + " envs=" + envs);
    }
    if (appsPerTenant < 1 || appsPerTenant > MAX_APPS_PER_TENANT) {
      throw new IllegalArgumentException("appsPerTenant must be in [1, " + MAX_APPS_PER_TENANT + "], got " + appsPerTenant);
    }
    if (podsPerApp < 1) {
      throw new IllegalArgumentException("podsPerApp must be at least 1, got " + podsPerApp);
    }
    if (errorBurstsPerMillion < 0) {
      throw new IllegalArgumentException("errorBurstsPerMillion must not be negative, got " + errorBurstsPerMillion);
    }
  }

  /** Three teams, four apps each, prod and staging, three pods: 72 streams, for the demo. */
  public static GeneratorOptions defaults() {
    return new GeneratorOptions(List.of("payments", "search", "platform"), 4, List.of("prod", "staging"), 3, 40);
  }

  /** Several hundred streams (3 × 6 × 2 × 16 = 576), for benchmark corpora. */
  public static GeneratorOptions benchmark() {
    return new GeneratorOptions(List.of("payments", "search", "platform"), 6, List.of("prod", "staging"), 16, 20);
  }

  public int streamCount() {
    return tenants.size() * appsPerTenant * envs.size() * podsPerApp;
  }
}
