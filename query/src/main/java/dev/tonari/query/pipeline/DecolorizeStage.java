package dev.tonari.query.pipeline;

import com.google.re2j.Pattern;

/** {@code | decolorize}: removes ANSI escape sequences (colours, cursor moves) from the line. */
final class DecolorizeStage implements Stage {
  /** The expression Loki uses (from acarl005/stripansi), in RE2 syntax. */
  private static final Pattern ANSI =
      Pattern.compile("[\\x{1B}\\x{9B}][\\[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))");

  @Override
  public boolean process(LineState state) {
    String line = state.line;
    if (line.indexOf('\u001b') < 0 && line.indexOf('\u009b') < 0) {
      return true;
    }
    state.line = ANSI.matcher(line).replaceAll("");
    return true;
  }
}
