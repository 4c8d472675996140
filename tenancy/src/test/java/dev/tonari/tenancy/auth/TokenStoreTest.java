package dev.tonari.tenancy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonari.tenancy.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));

  @Test
  void createdTokenAuthenticatesAndOnlyItsHashIsOnDisk(@TempDir Path dataDir) throws Exception {
    TokenStore store = TokenStore.open(dataDir, clock);
    TokenStore.CreatedToken created = store.create("ci-push", Set.of("team-a", "team-b"), Role.WRITER, Optional.empty());
    assertThat(created.text()).matches("tnr_[0-9A-Za-z]{13}_[0-9A-Za-z]{43}");
    assertThat(created.toString()).doesNotContain(created.text());

    Principal principal = store.authenticate(created.text()).orElseThrow();
    assertThat(principal).isEqualTo(new Principal(created.record().id(), "ci-push", Role.WRITER, Set.of("team-a", "team-b")));

    String onDisk = Files.readString(dataDir.resolve("tokens.json"));
    String secret = created.text().substring(created.text().lastIndexOf('_') + 1);
    assertThat(onDisk).contains(created.record().secretSha256()).contains("\"ci-push\"").doesNotContain(secret);
    assertThat(created.record().secretSha256()).hasSize(64);
    try (var listing = Files.list(dataDir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tokens.json", "tokens.json.lock");
    }
  }

  @Test
  void wrongMalformedRevokedAndExpiredTokensDoNotAuthenticate(@TempDir Path dataDir) throws Exception {
    TokenStore store = TokenStore.open(dataDir, clock);
    String good = store.create("reader", Set.of("team-a"), Role.READER, Optional.of(Duration.ofDays(90))).text();
    char last = good.charAt(good.length() - 1);
    String tampered = good.substring(0, good.length() - 1) + (last == 'a' ? 'b' : 'a');
    for (String bad : new String[] {tampered, "", "tnr_", "tnr_x_y", "Bearer " + good, good + "x", good.replace("tnr_", "tnx_")}) {
      assertThat(store.authenticate(bad)).as(bad).isEmpty();
    }
    assertThat(store.authenticate(null)).isEmpty();

    clock.advance(Duration.ofDays(90).minusSeconds(1));
    assertThat(store.authenticate(good)).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.authenticate(good)).as("expired at exactly 90 days").isEmpty();

    String other = store.create("other", Set.of("team-a"), Role.READER, Optional.empty()).text();
    TokenRecord revoked = store.revoke("other");
    assertThat(revoked.revoked()).contains(clock.instant());
    assertThat(store.authenticate(other)).isEmpty();
    assertThat(store.list()).extracting(TokenRecord::name).containsExactly("reader", "other");
    assertThatThrownBy(() -> store.revoke("nobody")).isInstanceOf(NoSuchElementException.class).hasMessage("no token with id or active name 'nobody'");
    // A revoked token's name is free again.
    String again = store.create("other", Set.of("team-a"), Role.READER, Optional.empty()).text();
    assertThat(store.revoke(store.authenticate(again).orElseThrow().tokenId()).revoked()).isPresent();
  }

  @Test
  void grantRulesAreEnforced(@TempDir Path dataDir) throws Exception {
    TokenStore store = TokenStore.open(dataDir, clock);
    assertThatThrownBy(() -> store.create("a", Set.of("team-a"), Role.ADMIN, Optional.empty()))
        .hasMessage("an admin token holds every tenant: grant tenant '*' alone, got [team-a]");
    assertThatThrownBy(() -> store.create("b", Set.of("*"), Role.READER, Optional.empty()))
        .hasMessage("only admin tokens may hold every tenant ('*'); role reader needs named tenants");
    assertThatThrownBy(() -> store.create("c", Set.of("../etc"), Role.WRITER, Optional.empty()))
        .hasMessage("invalid tenant '../etc': tenant ID '../etc' contains unsupported character '/'");
    assertThatThrownBy(() -> store.create("d", Set.of(), Role.WRITER, Optional.empty())).hasMessage("a token needs at least one tenant");
    assertThatThrownBy(() -> store.create("bad name", Set.of("t"), Role.WRITER, Optional.empty()))
        .hasMessage("invalid token name 'bad name': 1 to 64 characters out of [a-zA-Z0-9._@-]");
    store.create("dup", Set.of("t"), Role.WRITER, Optional.empty());
    assertThatThrownBy(() -> store.create("dup", Set.of("t"), Role.WRITER, Optional.empty()))
        .hasMessageStartingWith("a token named 'dup' already exists");
    assertThat(store.create("root", Set.of("*"), Role.ADMIN, Optional.empty()).record().tenants()).containsExactly("*");
  }

  @Test
  void aRunningStorePicksUpTokensCreatedOfflineAndSurvivesRestart(@TempDir Path dataDir) throws Exception {
    TokenStore server = TokenStore.open(dataDir, clock);
    TokenStore offlineCli = TokenStore.open(dataDir, clock);
    String token = offlineCli.create("first-admin", Set.of("*"), Role.ADMIN, Optional.empty()).text();
    // Same-second writes may keep the mtime; the size differs here, and we force a distinct mtime too.
    Files.setLastModifiedTime(dataDir.resolve("tokens.json"), FileTime.from(Instant.parse("2025-03-01T10:00:05Z")));
    assertThat(server.authenticate(token)).as("reload is rate-limited to once per second... but the first check is due").isPresent();

    offlineCli.revoke("first-admin");
    Files.setLastModifiedTime(dataDir.resolve("tokens.json"), FileTime.from(Instant.parse("2025-03-01T10:00:09Z")));
    assertThat(server.authenticate(token)).as("not re-read within the check interval").isPresent();
    clock.advance(TokenStore.RELOAD_CHECK_INTERVAL);
    assertThat(server.authenticate(token)).isEmpty();

    // Writers in two stores never lose each other's tokens: each write re-reads the file.
    String fromServer = server.create("from-server", Set.of("t"), Role.WRITER, Optional.empty()).text();
    String fromCli = offlineCli.create("from-cli", Set.of("t"), Role.WRITER, Optional.empty()).text();
    TokenStore restarted = TokenStore.open(dataDir, clock);
    assertThat(restarted.authenticate(fromServer)).isPresent();
    assertThat(restarted.authenticate(fromCli)).isPresent();
    assertThat(restarted.list()).extracting(TokenRecord::name).containsExactlyInAnyOrder("first-admin", "from-server", "from-cli");
  }

  @Property(tries = 200)
  void base62RoundTripsAnyBytes(@ForAll @Size(32) byte[] bytes) {
    String text = Base62.encode(bytes);
    assertThat(text).hasSize(43);
    assertThat(Base62.decode(text, 32)).isEqualTo(bytes);
  }
}
