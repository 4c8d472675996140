package dev.tonari.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The path a sign-in returns to can never send the browser to another site. */
class ReturnToTest {
  @Test
  void localPathsAreKeptAndEverythingElseReturnsToTheUi() {
    assertThat(SingleSignOn.safeReturnTo("/ui/slos/checkout?x=1#top")).isEqualTo("/ui/slos/checkout?x=1#top");
    assertThat(SingleSignOn.safeReturnTo("//evil.example/ui/")).isEqualTo("/ui/");
    assertThat(SingleSignOn.safeReturnTo("/\\evil.example")).isEqualTo("/ui/");
    assertThat(SingleSignOn.safeReturnTo("https://evil.example/")).isEqualTo("/ui/");
    assertThat(SingleSignOn.safeReturnTo("javascript:alert(1)")).isEqualTo("/ui/");
    assertThat(SingleSignOn.safeReturnTo("/ui/\r\nSet-Cookie: x=y")).isEqualTo("/ui/");
    assertThat(SingleSignOn.safeReturnTo(null)).isEqualTo("/ui/");
  }

  @Test
  void noRandomInputResolvesToAnotherHost() {
    SplittableRandom random = new SplittableRandom(20261207);
    String alphabet = "/\\:.@?#%ab\t ";
    URI base = URI.create("https://tonari.example/");
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String kept = SingleSignOn.safeReturnTo(text.toString());
      URI resolved;
      try {
        resolved = base.resolve(kept.replace("\\", "%5C").replace(" ", "%20").replace("\t", "%09"));
      } catch (IllegalArgumentException e) {
        // Not a URI a browser would build from it either; it is still a local path by its first character.
        assertThat(kept).startsWith("/").doesNotStartWith("//");
        continue;
      }
      assertThat(resolved.getHost()).as("input '%s' kept as '%s'", text, kept).isEqualTo("tonari.example");
    }
  }
}
