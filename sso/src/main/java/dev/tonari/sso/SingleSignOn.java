package dev.tonari.sso;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.tonari.tenancy.auth.GroupMapping;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in of people through OpenID Connect, without any HTTP framework: the server's handlers
 * turn requests into these calls and the results into redirects and cookies.
 *
 * <ol>
 *   <li>{@link #beginLogin(String)}: fresh state, nonce and PKCE verifier, kept server-side for 10
 *       minutes under the state; the browser goes to the provider and gets a cookie holding the
 *       state, so that only the browser that started a login can finish it (login CSRF).
 *   <li>{@link #completeLogin}: the callback's state must match that cookie and a pending login;
 *       the code is redeemed with the verifier and the client secret; the ID token is validated;
 *       a session is opened with a fresh session ID and CSRF token.
 *   <li>{@link #session(String)} on every request with the session cookie; {@link #access} turns it
 *       into a principal for the tenants the request names, from the groups mapping in force now.
 *   <li>{@link #signOut(String)} ends the session and says where to sign out at the provider.
 * </ol>
 *
 * <p>Sessions live in memory: a restart signs everyone out, which the provider's own session makes
 * a click. The provider's discovery document is read on first use and again after a failure (at
 * most every 10 s), so that Tonari starts while the provider is down and signs in once it is up.
 */
public final class SingleSignOn {
  private static final Logger LOG = LoggerFactory.getLogger(SingleSignOn.class);
  /** How long a started login may take at the provider. */
  public static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration DISCOVERY_RETRY = Duration.ofSeconds(10);
  private static final int MAX_PENDING_LOGINS = 10_000;
  private static final int MAX_SESSIONS = 100_000;

  private record PendingLogin(State state, Nonce nonce, CodeVerifier verifier, String returnTo, Instant expiresAt) {}

  private final OidcSettings settings;
  private final Supplier<GroupMapping> mapping;
  private final Clock clock;
  private final ExpiringStore<PendingLogin> pending;
  private final ExpiringStore<Session> sessions;
  private OidcProvider provider;
  private Instant lastDiscoveryFailure = Instant.MIN;

  public SingleSignOn(OidcSettings settings, Supplier<GroupMapping> mapping, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pending = new ExpiringStore<>(PendingLogin::expiresAt, MAX_PENDING_LOGINS, clock);
    this.sessions = new ExpiringStore<>(Session::expiresAt, MAX_SESSIONS, clock);
  }

  public OidcSettings settings() {
    return settings;
  }

  /** The provider, discovered on first use; a failed discovery is retried after 10 s. */
  public synchronized OidcProvider provider() throws SignInException {
    if (provider != null) {
      return provider;
    }
    Instant now = clock.instant();
    if (now.isBefore(lastDiscoveryFailure.plus(DISCOVERY_RETRY))) {
      throw new SignInException("provider_unreachable", "the identity provider " + settings.issuer()
          + " could not be reached a moment ago; try again in a few seconds");
    }
    try {
      provider = OidcProvider.discover(settings);
      return provider;
    } catch (SignInException e) {
      lastDiscoveryFailure = now;
      throw e;
    }
  }

  /**
   * Starts a sign-in that returns to {@code returnTo} (a local path; anything else returns to
   * {@code /ui/}).
   *
   * @throws SignInException when the provider cannot be reached or too many logins are pending
   */
  public LoginRedirect beginLogin(String returnTo) throws SignInException {
    OidcProvider discovered = provider();
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    PendingLogin login = new PendingLogin(state, nonce, verifier, safeReturnTo(returnTo), clock.instant().plus(LOGIN_TIMEOUT));
    if (!pending.put(state.getValue(), login)) {
      throw new SignInException("too_many_logins", "more than " + MAX_PENDING_LOGINS + " sign-ins are in progress; try again in a few minutes");
    }
    return new LoginRedirect(discovered.authorizationUrl(state, nonce, verifier), state.getValue());
  }

  /**
   * Finishes a sign-in from the provider's callback parameters.
   *
   * @param error the callback's {@code error} parameter (the provider refused), or null
   * @param loginCookie the value of the login cookie {@link #beginLogin} set, or null
   */
  public SignedIn completeLogin(String state, String code, String error, String errorDescription, String loginCookie) throws SignInException {
    if (state == null || state.isEmpty()) {
      throw new SignInException("bad_callback", "the sign-in callback has no state parameter; start again from the sign-in page");
    }
    if (!Secrets.constantTimeEquals(state, loginCookie)) {
      throw new SignInException("bad_callback", "this sign-in was not started in this browser (its login cookie is missing or belongs to another "
          + "sign-in); start again from the sign-in page");
    }
    Optional<PendingLogin> login = pending.take(state);
    if (login.isEmpty()) {
      throw new SignInException("bad_callback", "this sign-in expired (more than " + LOGIN_TIMEOUT.toMinutes()
          + " minutes) or was already used; start again from the sign-in page");
    }
    if (error != null && !error.isEmpty()) {
      throw new SignInException("provider_error", "the identity provider refused the sign-in: " + error
          + (errorDescription == null || errorDescription.isEmpty() ? "" : " (" + errorDescription + ")"));
    }
    if (code == null || code.isEmpty()) {
      throw new SignInException("bad_callback", "the sign-in callback has neither a code nor an error parameter");
    }
    ValidatedIdToken token = provider().redeem(code, login.get().verifier(), login.get().nonce());
    GroupMapping groups = mapping.get();
    Session session = new Session(token.subject(), token.displayName(), token.email(), token.groups(groups.groupsClaim()), Secrets.random(),
        sessionEnd(), token.serialized());
    String cookie = Secrets.random();
    if (!sessions.put(cookie, session)) {
      throw new SignInException("too_many_sessions", "the server holds " + MAX_SESSIONS + " sessions; try again later");
    }
    LOG.info("signed in {} ({}) with groups {}", session.name(), session.subject(), session.groups());
    return new SignedIn(session, cookie, login.get().returnTo());
  }

  /**
   * A session lasts the configured time from sign-in. Not the ID token's expiry: providers make
   * ID tokens short-lived (minutes) for handing to APIs, which is not how long a person's sign-in
   * should last.
   */
  private Instant sessionEnd() {
    return clock.instant().plus(settings.sessionTtl());
  }

  /** The live session of a cookie value. */
  public Optional<Session> session(String cookie) {
    return sessions.get(cookie);
  }

  /** What the session may do on the named tenants, under the groups mapping in force now. */
  public SessionAccess access(Session session, List<String> namedTenants) {
    return SessionAccess.of(session, mapping.get(), namedTenants);
  }

  /** The groups mapping in force now (it follows reloads of the tenants files). */
  public GroupMapping mappingNow() {
    return mapping.get();
  }

  /** True when the header matches the session's CSRF token. */
  public static boolean csrfMatches(Session session, String header) {
    return Secrets.constantTimeEquals(session.csrfToken(), header);
  }

  /**
   * Ends the session of a cookie value; the provider's logout URL to send the browser to, when
   * the provider has one and the session was live.
   */
  public Optional<URI> signOut(String cookie) {
    Optional<Session> session = sessions.take(cookie);
    if (session.isEmpty()) {
      return Optional.empty();
    }
    LOG.info("signed out {} ({})", session.get().name(), session.get().subject());
    try {
      String base = settings.publicUrl().toString();
      while (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      URI afterLogout = URI.create(base + "/ui/");
      return provider().logoutUrl(session.get().idToken(), afterLogout);
    } catch (SignInException e) {
      LOG.warn("signed out {} here, but not at the provider: {}", session.get().name(), e.getMessage());
      return Optional.empty();
    }
  }

  public int sessionCount() {
    return sessions.size();
  }

  /**
   * A local path to return to after sign-in: an absolute path on this server, never another host
   * ({@code //evil.example}, {@code /\evil}, a scheme), which would make the login an open redirect.
   */
  public static String safeReturnTo(String returnTo) {
    if (returnTo == null || !returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.startsWith("/\\")
        || returnTo.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "/ui/";
    }
    return returnTo;
  }
}
