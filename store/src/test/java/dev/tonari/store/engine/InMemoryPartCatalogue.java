package dev.tonari.store.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PartCatalogue} on the heap, shared by the stores of one test as a cluster's catalogue
 * would be shared by its processes: registrations are atomic under one lock, and the next {@code n}
 * registrations can be made to fail. Public, in the test-jar, for the cluster module's tests.
 */
public final class InMemoryPartCatalogue implements PartCatalogue {
  /** One call of {@link #register}, as made. */
  public record Registration(List<PublishedPart> added, List<String> removed) {}

  private final boolean deletesObjectsLater;
  private final TreeSet<String> keys = new TreeSet<>();
  private final List<Registration> registrations = new ArrayList<>();
  private final AtomicInteger failuresToInject = new AtomicInteger();
  private final AtomicInteger partKeyReads = new AtomicInteger();
  private long revision;
  private long lastSequence;

  public InMemoryPartCatalogue(boolean deletesObjectsLater) {
    this.deletesObjectsLater = deletesObjectsLater;
  }

  @Override
  public synchronized long revision() {
    return revision;
  }

  @Override
  public synchronized Set<String> partKeys() {
    partKeyReads.incrementAndGet();
    return Set.copyOf(keys);
  }

  @Override
  public synchronized long nextSequence() {
    return ++lastSequence;
  }

  @Override
  public synchronized void register(List<PublishedPart> added, List<String> removed) throws IOException {
    if (failuresToInject.get() > 0) {
      failuresToInject.decrementAndGet();
      throw new IOException("injected failure of the catalogue (registering " + added.size() + " parts)");
    }
    for (String key : removed) {
      if (!keys.contains(key)) {
        throw new IOException("catalogue has no part " + key + " to remove");
      }
    }
    for (PublishedPart part : added) {
      if (keys.contains(part.key())) {
        throw new IOException("catalogue has part " + part.key() + " already: two writers picked one key");
      }
    }
    removed.forEach(keys::remove);
    added.forEach(part -> keys.add(part.key()));
    registrations.add(new Registration(List.copyOf(added), List.copyOf(removed)));
    revision++;
  }

  @Override
  public boolean deletesObjectsLater() {
    return deletesObjectsLater;
  }

  /** Makes the next {@code count} registrations throw. */
  public void failNextRegistrations(int count) {
    failuresToInject.set(count);
  }

  /** Registers a key directly, as if another process had (for parts that are not in the store). */
  public synchronized void registerKeyOnly(String key) {
    keys.add(key);
    revision++;
  }

  public synchronized List<Registration> registrations() {
    return List.copyOf(registrations);
  }

  /** How often {@link #partKeys()} was read: a refresh that found the revision unchanged reads none. */
  public int partKeyReads() {
    return partKeyReads.get();
  }

  @Override
  public String toString() {
    return "InMemoryPartCatalogue";
  }
}
