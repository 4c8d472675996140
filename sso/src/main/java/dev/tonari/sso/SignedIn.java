package dev.tonari.sso;

/**
 * A completed sign-in: the session, the value of its cookie, and the local path to return to.
 */
public record SignedIn(Session session, String sessionCookie, String returnTo) {
  @Override
  public String toString() {
    return "SignedIn[" + session + ", returnTo=" + returnTo + "]";
  }
}
