package dev.tonari.cluster.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded random sequence of operations run on two catalogs, comparing every answer (or the
 * kind of exception): the reference in the heap against the one under test. Small key spaces, so
 * that collisions (fencing, registered keys, lease contention) happen often. Times that come from
 * each catalog's clock (expiries, publication times) are left out of the comparison, and every
 * ttl is long, so that the answers do not depend on how fast the run is.
 */
final class CatalogDifferential {
  private static final Duration LONG = Duration.ofHours(1);
  private static final List<String> TOPICS = List.of("push-a", "push-b");

  private final long seed;
  private final Random random;
  private final ClusterCatalog reference;
  private final ClusterCatalog tested;
  private long notifications;

  CatalogDifferential(long seed, ClusterCatalog reference, ClusterCatalog tested) {
    this.seed = seed;
    this.random = new Random(seed);
    this.reference = reference;
    this.tested = tested;
  }

  void run(int steps) {
    for (int step = 0; step < steps; step++) {
      String description = step(step);
      assertThat(description).isNotNull();
    }
  }

  private String step(int step) {
    int choice = random.nextInt(24);
    String description;
    Function<ClusterCatalog, Object> operation;
    switch (choice) {
      case 0, 1, 2, 3 -> {
        List<CatalogPart> added = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          String key = "k" + random.nextInt(30);
          added.add(new CatalogPart(key, pick("team-a", "team-b"), random.nextInt(100), 100 + random.nextInt(100), 1 + random.nextInt(5),
              100 + random.nextInt(900), random.nextInt(4), random.nextInt(50), 50 + random.nextInt(50)));
        }
        List<String> removed = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          removed.add("k" + random.nextInt(30));
        }
        List<OffsetCommit> offsets = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          String topic = pick(TOPICS.toArray(String[]::new));
          int partition = random.nextInt(4);
          long stored = reference.committedOffsets(topic).getOrDefault(partition, -1L);
          long expected = random.nextInt(10) < 7 ? stored : Math.max(-1, stored + random.nextInt(5) - 2);
          offsets.add(new OffsetCommit(topic, partition, expected, Math.max(0, expected) + random.nextInt(10), pick("m1", "m2")));
        }
        description = "commit " + added + " removing " + removed + " offsets " + offsets;
        operation = catalog -> {
          catalog.commit(added, removed, offsets);
          return "ok";
        };
      }
      case 4 -> {
        description = "nextPartSequence";
        operation = ClusterCatalog::nextPartSequence;
      }
      case 5 -> {
        description = "liveParts";
        operation = ClusterCatalog::liveParts;
      }
      case 6 -> {
        String tenant = pick("team-a", "team-b");
        long from = random.nextInt(250);
        long to = from + random.nextInt(100);
        description = "liveParts " + tenant + " [" + from + ", " + to + ")";
        operation = catalog -> catalog.liveParts(tenant, from, to);
      }
      case 7 -> {
        description = "partsRevision and offsets";
        operation = catalog -> List.of(catalog.partsRevision(), catalog.committedOffsets("push-a"), catalog.committedOffsets("push-b"));
      }
      case 8 -> {
        List<String> keys = List.of("k" + random.nextInt(30), "k" + random.nextInt(30));
        description = "deleted parts, then forget " + keys;
        operation = catalog -> {
          List<String> deleted = catalog.deletedPartsBefore(Long.MAX_VALUE);
          List<String> none = catalog.deletedPartsBefore(0);
          catalog.forgetDeletedParts(keys);
          return List.of(deleted, none, catalog.deletedPartsBefore(Long.MAX_VALUE));
        };
      }
      case 9 -> {
        Member member = new Member(pick("i1", "i2", "q1", "q2"), pick("ingester", "querier"), "host:" + random.nextInt(3),
            List.of(random.nextInt(4), random.nextInt(4)), random.nextBoolean());
        description = "heartbeat " + member;
        operation = catalog -> {
          catalog.heartbeat(member, LONG);
          return "ok";
        };
      }
      case 10 -> {
        String role = pick("ingester", "querier");
        description = "liveMembers " + role;
        operation = catalog -> catalog.liveMembers(role);
      }
      case 11 -> {
        String id = pick("i1", "i2", "q1", "q2");
        description = "leave " + id;
        operation = catalog -> {
          catalog.leave(id);
          return "ok";
        };
      }
      case 12, 13 -> {
        String name = pick("ruler", "compactor");
        String holder = pick("h1", "h2", "h3");
        description = "tryAcquire " + name + " by " + holder;
        operation = catalog -> catalog.tryAcquire(name, holder, LONG).map(CatalogDifferential::withoutTime);
      }
      case 14 -> {
        String name = pick("ruler", "compactor");
        String holder = pick("h1", "h2", "h3");
        description = "release " + name + " by " + holder + ", then lease";
        operation = catalog -> {
          catalog.release(name, holder);
          return catalog.lease(name).map(CatalogDifferential::withoutTime);
        };
      }
      case 15, 16 -> {
        String key = pick("s1", "s2", "s3");
        String value = "v" + random.nextInt(100);
        long generation = random.nextInt(6);
        description = "saveState " + key + " = " + value + " at " + generation + ", then load";
        operation = catalog -> {
          catalog.saveState(key, bytes(value), generation);
          return catalog.loadState(key).map(CatalogDifferential::text);
        };
      }
      case 17 -> {
        String name = pick("tenants", "rules");
        String content = pick("a", "b", "c");
        description = "publishConfig " + name + " = " + content;
        operation = catalog -> {
          long revision = catalog.publishConfig(name, bytes(content));
          Optional<ConfigRevision> latest = catalog.latestConfig(name);
          return List.of(revision, latest.map(config -> config.name() + "#" + config.revision() + "=" + text(config.content())));
        };
      }
      case 18 -> {
        String tenant = pick("team-a", "team-b");
        long at = random.nextInt(20);
        String json = "{\"n\":" + random.nextInt(1000) + "}";
        description = "appendAlertHistory " + tenant + " " + at + " " + json;
        operation = catalog -> {
          catalog.appendAlertHistory(tenant, at, json);
          return "ok";
        };
      }
      case 19 -> {
        String tenant = pick("team-a", "team-b");
        long from = random.nextInt(20);
        long to = from + random.nextInt(10);
        description = "alertHistory " + tenant + " [" + from + ", " + to + ")";
        operation = catalog -> catalog.alertHistory(tenant, from, to);
      }
      case 20 -> {
        String tenant = pick("team-a", "team-b");
        String payload = "p" + random.nextInt(1000);
        notifications++;
        description = "enqueueNotification " + tenant + " " + payload;
        operation = catalog -> catalog.enqueueNotification(tenant, pick(tenant, "pager"), bytes(payload));
      }
      case 21 -> {
        String worker = pick("w1", "w2");
        int limit = 1 + random.nextInt(3);
        description = "claimNotifications " + worker + " " + limit;
        operation = catalog -> catalog.claimNotifications(worker, limit, LONG).stream()
            .map(n -> n.id() + ":" + n.tenant() + ":" + n.receiver() + ":" + text(n.payload()) + ":" + n.attempts()).toList();
      }
      case 22 -> {
        long id = 1 + random.nextInt((int) notifications + 1);
        description = "markDelivered " + id;
        operation = catalog -> {
          catalog.markDelivered(id);
          return "ok";
        };
      }
      default -> {
        String slo = pick("checkout", "login");
        String group = pick("", "region=eu");
        long minute = random.nextInt(10);
        long total = random.nextInt(10);
        long bad = random.nextInt(12);
        long from = random.nextInt(10);
        long to = from + random.nextInt(5);
        description = "upsertRollup " + slo + " " + group + " " + minute + " " + bad + "/" + total + ", then rollups [" + from + ", " + to + ")";
        operation = catalog -> {
          Object upserted;
          try {
            catalog.upsertRollup("team-a", slo, group, minute, bad, total);
            upserted = "ok";
          } catch (IllegalArgumentException e) {
            upserted = e.getMessage();
          }
          return List.of(upserted, catalog.rollups("team-a", slo, group, from, to));
        };
      }
    }
    // Choices made inside an operation (a receiver) must be the same for both catalogs.
    long state = random.nextLong();
    random.setSeed(state);
    Object expected = answer(reference, operation);
    random.setSeed(state);
    Object actual = answer(tested, operation);
    assertThat(actual).as("seed %d step %d: %s", seed, step, description).isEqualTo(expected);
    return description;
  }

  /** The operation's answer, or the exception's kind and message. */
  private static Object answer(ClusterCatalog catalog, Function<ClusterCatalog, Object> operation) {
    try {
      return operation.apply(catalog);
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String withoutTime(Lease lease) {
    return lease.name() + ":" + lease.holder() + ":" + lease.generation();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
