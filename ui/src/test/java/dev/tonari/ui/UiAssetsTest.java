package dev.tonari.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The UI's files by path: pages of the single-page app, modules, the vendored uPlot, nothing else. */
class UiAssetsTest {
  private final UiAssets assets = new UiAssets();

  @Test
  void pagesWithoutAnExtensionAreTheIndexSoSharedLinksOpen() {
    String index = assets.indexText();
    assertThat(index).contains("<script type=\"module\" src=\"/ui/js/app.js\">");
    assertThat(new String(assets.find("explore").orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo(index);
    assertThat(new String(assets.find("slos/checkout-availability").orElseThrow().bytes(), StandardCharsets.UTF_8)).isEqualTo(index);
    assertThat(assets.find("").orElseThrow().contentType()).startsWith("text/html");
  }

  @Test
  void modulesStylesAndTheVendoredChartLibraryAreServedWithTheirTypes() {
    assertThat(assets.find("js/app.js").orElseThrow().contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(assets.find("app.css").orElseThrow().contentType()).startsWith("text/css");
    UiAssets.Asset uplot = assets.find("vendor/uplot/uPlot.esm.js").orElseThrow();
    assertThat(new String(uplot.bytes(), StandardCharsets.UTF_8)).contains("export");
    assertThat(assets.find("vendor/uplot/uPlot.min.css")).isPresent();
    assertThat(assets.find("js/app.js").orElseThrow().etag()).matches("\"[0-9a-f]{32}\"");
  }

  @Test
  void nothingOutsideTheTwoResourceFoldersIsReachable() {
    assertThat(assets.find("js/missing.js")).isEmpty();
    assertThat(assets.find("../UiAssets.class")).isEmpty();
    assertThat(assets.find("js/../../../dev/tonari/ui/UiAssets.class")).isEmpty();
    assertThat(assets.find("vendor/uplot/../package.json")).isEmpty();
    assertThat(assets.find("%2e%2e/x.js")).isEmpty();
    assertThat(assets.find("js//app.js")).isEmpty();
    assertThat(assets.find("UiAssets.class")).isEmpty();
    // Random paths never resolve to a class file or out of the folders.
    SplittableRandom random = new SplittableRandom(20261207);
    String alphabet = "./\\%a_-jsUiAssetcl";
    for (int i = 0; i < 5000; i++) {
      StringBuilder path = new StringBuilder();
      for (int j = random.nextInt(14); j > 0; j--) {
        path.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assets.find(path.toString()).ifPresent(asset -> assertThat(asset.contentType()).doesNotContain("java"));
      assertThat(path.toString().contains("..") ? assets.find(path.toString()) : java.util.Optional.empty()).isEmpty();
    }
  }
}
