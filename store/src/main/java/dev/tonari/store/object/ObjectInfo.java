package dev.tonari.store.object;

/** An object's key and its size in bytes, as {@link ObjectStore#list} reports it. */
public record ObjectInfo(String key, long size) {}
