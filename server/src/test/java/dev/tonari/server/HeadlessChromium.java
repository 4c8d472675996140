package dev.tonari.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium and ChromeDriver ({@code chromium}, {@code chromium-driver}), headless, with
 * the flags that keep it off the network (this machine's network is closed; without them Chromium
 * keeps trying Google's hosts). Tests call {@link #start()} and get skipped when either is missing.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static HeadlessChromium start() throws java.io.IOException {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: no Chromium (install Debian's chromium and chromium-driver: apt-get install chromium chromium-driver)");
    Path profile = Files.createTempDirectory("tonari-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
    logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    return new HeadlessChromium(driver, profile);
  }

  /**
   * Waits up to 45 s; on a timeout saves a screenshot, the page and the browser's console under
   * {@code target/ui-failures/} so that a failure in CI can be looked at.
   */
  <T> T waitFor(Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(45)).until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      saveEvidence("timeout");
      throw e;
    }
  }

  /**
   * With {@code -Dtonari.ui.screenshots=DIR} (how docs/ui's pictures are made), saves the page as
   * {@code DIR/<name>.png}; otherwise nothing.
   */
  void screenshot(String name) {
    String directory = System.getProperty("tonari.ui.screenshots");
    if (directory == null || directory.isBlank()) {
      return;
    }
    try {
      Path target = Files.createDirectories(Path.of(directory)).resolve(name + ".png");
      Files.write(target, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot save the screenshot " + name + " in " + directory, e);
    }
  }

  void saveEvidence(String name) {
    try {
      Path directory = Files.createDirectories(Path.of("target", "ui-failures"));
      String stem = name + "-" + System.currentTimeMillis();
      Files.write(directory.resolve(stem + ".png"), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      Files.writeString(directory.resolve(stem + ".html"), driver.getCurrentUrl() + "\n" + driver.getPageSource());
      StringBuilder console = new StringBuilder();
      for (org.openqa.selenium.logging.LogEntry entry : driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
        console.append(entry).append('\n');
      }
      Object resources = driver.executeScript("return performance.getEntriesByType('resource').map(e => e.name + ' ' + e.responseStatus + ' ' + Math.round(e.duration) + 'ms').join('\\n')");
      console.append("resources:\n").append(resources).append('\n');
      Files.writeString(directory.resolve(stem + ".console.txt"), console);
      System.err.println("UI evidence saved as target/ui-failures/" + stem + ".*");
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("could not save UI evidence: " + e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      dev.tonari.tenancy.ChildProcesses.deleteRecursively(profile);
    }
  }
}
