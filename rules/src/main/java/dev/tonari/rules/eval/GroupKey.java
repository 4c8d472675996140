package dev.tonari.rules.eval;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A rule group's identity in the ruler: the tenant, the namespace (Prometheus' {@code file}) and
 * the group name.
 */
public record GroupKey(String tenant, String namespace, String group) implements Comparable<GroupKey> {
  public GroupKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(group, "group");
  }

  /** A 64-bit FNV-1a hash of the three names, each followed by a 0xff byte (no UTF-8 text has one). */
  long hash() {
    long hash = 0xcbf29ce484222325L;
    for (String part : new String[] {tenant, namespace, group}) {
      for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
        hash ^= b & 0xff;
        hash *= 0x100000001b3L;
      }
      hash ^= 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  @Override
  public int compareTo(GroupKey other) {
    int byTenant = tenant.compareTo(other.tenant);
    if (byTenant != 0) {
      return byTenant;
    }
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : group.compareTo(other.group);
  }

  @Override
  public String toString() {
    return "tenant " + tenant + ", namespace " + namespace + ", group " + group;
  }
}
