package dev.tonari.sso;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One OpenID Connect provider, as its discovery document describes it: builds authorization
 * requests (code flow, PKCE S256, state, nonce), redeems codes at the token endpoint with the
 * client secret, and validates ID tokens (signature through the provider's JWKS, issuer, audience,
 * expiry with the configured clock skew, nonce). All of it is Nimbus' {@code oauth2-oidc-sdk}: no
 * JWT or signature code of our own.
 */
public final class OidcProvider {
  /** Signature algorithms accepted for ID tokens, in order of preference, when the provider offers them. */
  private static final List<JWSAlgorithm> ACCEPTED = List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS384,
      JWSAlgorithm.ES384, JWSAlgorithm.RS512, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

  private final OidcSettings settings;
  private final OIDCProviderMetadata metadata;
  private final IDTokenValidator validator;

  private OidcProvider(OidcSettings settings, OIDCProviderMetadata metadata, IDTokenValidator validator) {
    this.settings = settings;
    this.metadata = metadata;
    this.validator = validator;
  }

  /**
   * Reads the provider's discovery document.
   *
   * @throws SignInException {@code provider_unreachable} when it cannot be read or is not valid
   */
  public static OidcProvider discover(OidcSettings settings) throws SignInException {
    int timeout = Math.toIntExact(settings.httpTimeout().toMillis());
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), timeout, timeout);
    } catch (GeneralException | IOException e) {
      throw new SignInException("provider_unreachable", "cannot read the OpenID Connect discovery document of " + settings.issuer()
          + "/.well-known/openid-configuration: " + e.getMessage(), e);
    }
    JWSAlgorithm algorithm = chooseAlgorithm(metadata.getIDTokenJWSAlgs());
    IDTokenValidator validator;
    try {
      validator = new IDTokenValidator(metadata.getIssuer(), new ClientID(settings.clientId()), algorithm, metadata.getJWKSetURI().toURL(),
          new DefaultResourceRetriever(timeout, timeout));
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new SignInException("provider_unreachable", "the provider " + settings.issuer() + " publishes an unusable jwks_uri: "
          + metadata.getJWKSetURI(), e);
    }
    validator.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));
    return new OidcProvider(settings, metadata, validator);
  }

  private static JWSAlgorithm chooseAlgorithm(List<JWSAlgorithm> offered) {
    if (offered != null) {
      for (JWSAlgorithm algorithm : ACCEPTED) {
        if (offered.contains(algorithm)) {
          return algorithm;
        }
      }
    }
    // RS256 is the one algorithm every OpenID provider must support.
    return JWSAlgorithm.RS256;
  }

  /** The authorization URL for a login with these one-time values. */
  URI authorizationUrl(State state, Nonce nonce, CodeVerifier verifier) {
    return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope(settings.scopes().toArray(String[]::new)),
        new ClientID(settings.clientId()), settings.redirectUri())
        .endpointURI(metadata.getAuthorizationEndpointURI())
        .state(state)
        .nonce(nonce)
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build()
        .toURI();
  }

  /**
   * Redeems an authorization code and validates the ID token it brings.
   *
   * @throws SignInException {@code provider_error} when the token endpoint refuses (a wrong PKCE
   *     verifier, a used code), {@code invalid_id_token} when the token fails validation
   */
  public ValidatedIdToken redeem(String code, CodeVerifier verifier, Nonce nonce) throws SignInException {
    TokenRequest request = new TokenRequest(metadata.getTokenEndpointURI(),
        new ClientSecretBasic(new ClientID(settings.clientId()), new Secret(settings.clientSecret())),
        new AuthorizationCodeGrant(new AuthorizationCode(code), settings.redirectUri(), verifier));
    HTTPRequest http = request.toHTTPRequest();
    int timeout = Math.toIntExact(settings.httpTimeout().toMillis());
    http.setConnectTimeout(timeout);
    http.setReadTimeout(timeout);
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(http.send());
    } catch (IOException e) {
      throw new SignInException("provider_unreachable", "cannot reach the token endpoint " + metadata.getTokenEndpointURI() + ": " + e.getMessage(), e);
    } catch (ParseException e) {
      throw new SignInException("provider_error", "the token endpoint " + metadata.getTokenEndpointURI() + " answered something that is not a token response: "
          + e.getMessage(), e);
    }
    if (!response.indicatesSuccess()) {
      ErrorObject error = response.toErrorResponse().getErrorObject();
      throw new SignInException("provider_error", "the identity provider refused the sign-in: " + error.getCode()
          + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")"));
    }
    JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
    if (idToken == null) {
      throw new SignInException("invalid_id_token", "the token endpoint answered without an ID token; is the scope openid granted?");
    }
    return validate(idToken.serialize(), nonce);
  }

  /**
   * Validates a serialized ID token: signature, issuer, audience, expiry and issue time within the
   * clock skew, nonce.
   */
  public ValidatedIdToken validate(String serialized, Nonce nonce) throws SignInException {
    try {
      JWT token = JWTParser.parse(serialized);
      IDTokenClaimsSet claims = validator.validate(token, nonce);
      return new ValidatedIdToken(serialized, claims);
    } catch (java.text.ParseException e) {
      throw new SignInException("invalid_id_token", "the ID token is not a JWT: " + e.getMessage(), e);
    } catch (BadJOSEException e) {
      throw new SignInException("invalid_id_token", "the ID token was refused: " + e.getMessage(), e);
    } catch (JOSEException e) {
      throw new SignInException("invalid_id_token", "the ID token's signature could not be checked: " + e.getMessage(), e);
    }
  }

  /**
   * Where to send the browser to sign out at the provider too (RP-initiated logout), when the
   * provider publishes an {@code end_session_endpoint}.
   */
  public Optional<URI> logoutUrl(String idTokenHint, URI afterLogout) {
    URI endpoint = metadata.getEndSessionEndpointURI();
    if (endpoint == null) {
      return Optional.empty();
    }
    JWT hint = null;
    try {
      hint = JWTParser.parse(idTokenHint);
    } catch (java.text.ParseException e) {
      // Without a hint the provider asks the person which session to end; still correct.
    }
    return Optional.of(new LogoutRequest(endpoint, hint, afterLogout, new State()).toURI());
  }

  public URI issuer() {
    return URI.create(metadata.getIssuer().getValue());
  }
}
