package dev.tonari.store;

import java.io.IOException;

/**
 * An entry cursor that passes every call to another cursor, for wrappers that change one or two
 * things (the labels, counting, closing) and forward the rest. Subclasses override only what they
 * change; the line buffer stays the delegate's, so wrapping copies nothing per entry.
 */
public abstract class ForwardingEntryCursor implements EntryCursor {
  /** The cursor every call is passed to. */
  protected final EntryCursor delegate;

  protected ForwardingEntryCursor(EntryCursor delegate) {
    this.delegate = delegate;
  }

  @Override
  public Labels labels() {
    return delegate.labels();
  }

  @Override
  public boolean next() throws IOException {
    return delegate.next();
  }

  @Override
  public long timestamp() {
    return delegate.timestamp();
  }

  @Override
  public byte[] lineBuffer() {
    return delegate.lineBuffer();
  }

  @Override
  public int lineOffset() {
    return delegate.lineOffset();
  }

  @Override
  public int lineLength() {
    return delegate.lineLength();
  }

  @Override
  public Labels metadata() {
    return delegate.metadata();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
