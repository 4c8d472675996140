package dev.tonari.tenancy.config;

import dev.tonari.tenancy.auth.GroupMapping;
import dev.tonari.tenancy.config.YamlTree.Position;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one tenants file contributes before the files are merged: every part carries its file and position. */
final class TenantFileDrafts {
  private TenantFileDrafts() {}

  record Located<T>(String file, Position position, T value) {
    String where() {
      return file + " at line " + position.line() + " column " + position.column();
    }
  }

  static final class SettingsDraft {
    final Map<String, Object> limits = new LinkedHashMap<>();
    Duration retentionPeriod;
    List<RetentionPolicy.StreamRule> streamRules;
    Located<PrometheusDraft> prometheus;
  }

  /** A {@code prometheus} section as one file wrote it, secrets already read from their files. */
  static final class PrometheusDraft {
    boolean urlGiven;
    URI url;
    boolean credentialsGiven;
    Optional<String> bearerToken = Optional.empty();
    Optional<String> username = Optional.empty();
    Optional<String> password = Optional.empty();
    String orgId;

    /** This section over the one it overrides; only called once {@link #checkUrl} found nothing. */
    PrometheusSettings over(Optional<PrometheusSettings> base) {
      if (url != null) {
        return new PrometheusSettings(url, bearerToken, username, password, Optional.ofNullable(orgId));
      }
      PrometheusSettings inherited = base.orElseThrow(() -> new IllegalStateException("a prometheus without url was not checked"));
      return new PrometheusSettings(inherited.url(),
          credentialsGiven ? bearerToken : inherited.bearerToken(),
          credentialsGiven ? username : inherited.username(),
          credentialsGiven ? password : inherited.password(),
          orgId != null ? Optional.of(orgId) : inherited.orgId());
    }
  }

  record Route(String value, String tenant, Position position) {}

  static final class RoutingDraft {
    String label;
    final List<Route> routes = new ArrayList<>();
    String defaultTenant;
    Position defaultTenantPosition;
  }

  /** What one file contributes; every part carries its own file and position. */
  static final class FileDraft {
    Located<SettingsDraft> defaults;
    final Map<String, Located<SettingsDraft>> tenants = new LinkedHashMap<>();
    Located<RoutingDraft> routing;
    Located<PriceSheet> pricing;
    Located<GroupMapping> sso;
  }

}
