package dev.tonari.ui;

/** The version of the uPlot webjar on the classpath; the parent pom's {@code uplot.version}. */
final class UplotVersion {
  static final String VERSION = "1.6.30";

  private UplotVersion() {}
}
