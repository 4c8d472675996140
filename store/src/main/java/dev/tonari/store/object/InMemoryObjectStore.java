package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link ObjectStore} on the heap, for tests and for upper layers that need a store without a
 * disk. Nothing is durable. {@link #get} returns a read-only buffer over the stored bytes.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void put(String key, Path file) throws IOException {
    ObjectKeys.validate(key);
    objects.put(key, Files.readAllBytes(file));
  }

  @Override
  public void put(String key, byte[] data) {
    ObjectKeys.validate(key);
    objects.put(key, data.clone());
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    ObjectKeys.validate(key);
    return objects.putIfAbsent(key, data.clone()) == null;
  }

  @Override
  public ByteBuffer get(String key) throws IOException {
    ObjectKeys.validate(key);
    byte[] data = objects.get(key);
    if (data == null) {
      throw new NoSuchFileException(key, null, "no such object in the in-memory store");
    }
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> result = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      result.add(new ObjectInfo(e.getKey(), e.getValue().length));
    }
    return result;
  }

  @Override
  public boolean delete(String key) {
    ObjectKeys.validate(key);
    return objects.remove(key) != null;
  }

  @Override
  public void close() {}
}
