package dev.tonari.tenancy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonari.tenancy.config.TenantConfigLoader.LoadResult;
import java.util.List;

/** What the loader tests ask of a parse: the config it must give, or the problems it must report. */
final class LoadResults {
  private LoadResults() {}

  static TenantConfig valid(TenantConfigLoader loader, String yaml) {
    LoadResult result = loader.parse(yaml, "t.yaml");
    assertThat(result).isInstanceOf(LoadResult.Loaded.class);
    return ((LoadResult.Loaded) result).config();
  }

  static List<String> problems(TenantConfigLoader loader, String yaml) {
    LoadResult result = loader.parse(yaml, "t.yaml");
    assertThat(result).isInstanceOf(LoadResult.Invalid.class);
    return ((LoadResult.Invalid) result).problems().stream().map(ConfigProblem::format).toList();
  }
}
