package dev.tonari.store.object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** Passes every call to another object store: the base of the tests' fault-injecting stores, which override the calls they break. */
public abstract class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void put(String key, Path file) throws IOException {
    delegate.put(key, file);
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    delegate.put(key, data);
  }

  @Override
  public ByteBuffer get(String key) throws IOException {
    return delegate.get(key);
  }

  @Override
  public ByteBuffer getRange(String key, long offset, int length) throws IOException {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    return delegate.putIfAbsent(key, data);
  }

  @Override
  public boolean isRemote() {
    return delegate.isRemote();
  }

  @Override
  public void checkAccess() throws IOException {
    delegate.checkAccess();
  }

  @Override
  public ObjectRequestCounters counters() {
    return delegate.counters();
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return delegate.delete(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
