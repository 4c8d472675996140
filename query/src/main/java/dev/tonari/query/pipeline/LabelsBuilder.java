package dev.tonari.query.pipeline;

import dev.tonari.store.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of one line as the pipeline changes them, with Loki's rules: the stream's labels are
 * the base; structured metadata and parsed labels are added on top (a name that collides with a
 * stream label gets the suffix {@code _extracted}, as Loki's parsers do); labels may be deleted and
 * renamed; {@code __error__} and {@code __error_details__} are kept apart and appended to the
 * result. {@link #reset} starts the next line of the same stream without allocating.
 *
 * <p>{@link #labels()} caches result sets: lines that end with the same labels get the same
 * {@link Labels} instance, so grouping by the result is a cheap identity or hash lookup. Not
 * thread-safe: one builder per stream per thread.
 */
public final class LabelsBuilder {
  public static final String ERROR_LABEL = "__error__";
  public static final String ERROR_DETAILS_LABEL = "__error_details__";
  public static final String DUPLICATE_SUFFIX = "_extracted";
  /** Bound on distinct cached result sets per stream, so that high-cardinality parsing cannot grow memory without end. */
  private static final int MAX_CACHED_RESULTS = 4096;

  private final Labels stream;
  /** Labels added or replaced for this line, in insertion order (names, values). */
  private final List<String> addedNames = new ArrayList<>();
  private final List<String> addedValues = new ArrayList<>();
  /** Stream labels deleted for this line. */
  private final List<String> deletedStreamLabels = new ArrayList<>();
  private String error;
  private String errorDetails;
  private final Map<ResultKey, Labels> cache = new HashMap<>();

  public LabelsBuilder(Labels stream) {
    this.stream = stream;
  }

  /** Starts a new line: drops everything added, deleted or failed, then adds the line's structured metadata. */
  public void reset(Labels structuredMetadata) {
    addedNames.clear();
    addedValues.clear();
    deletedStreamLabels.clear();
    error = null;
    errorDetails = null;
    if (structuredMetadata != null) {
      for (int i = 0; i < structuredMetadata.size(); i++) {
        String name = structuredMetadata.name(i);
        set(baseHas(name) ? name + DUPLICATE_SUFFIX : name, structuredMetadata.value(i));
      }
    }
  }

  public Labels streamLabels() {
    return stream;
  }

  /** Whether the stream itself has this label: parsers then add theirs with {@code _extracted}. */
  public boolean baseHas(String name) {
    return stream.get(name) != null;
  }

  /** The current value of a label, including {@code __error__} and {@code __error_details__}; null if absent. */
  public String get(String name) {
    if (name.equals(ERROR_LABEL)) {
      return error;
    }
    if (name.equals(ERROR_DETAILS_LABEL)) {
      return errorDetails;
    }
    int index = addedNames.indexOf(name);
    if (index >= 0) {
      return addedValues.get(index);
    }
    if (deletedStreamLabels.contains(name)) {
      return null;
    }
    return stream.get(name);
  }

  /** Adds or replaces a label for this line. */
  public void set(String name, String value) {
    if (name.equals(ERROR_LABEL)) {
      error = value;
      return;
    }
    if (name.equals(ERROR_DETAILS_LABEL)) {
      errorDetails = value;
      return;
    }
    int index = addedNames.indexOf(name);
    if (index >= 0) {
      addedValues.set(index, value);
      return;
    }
    addedNames.add(name);
    addedValues.add(value);
  }

  /** Removes a label; removing {@code __error__} clears the error, as Loki's drop does. */
  public void delete(String name) {
    if (name.equals(ERROR_LABEL)) {
      error = null;
      return;
    }
    if (name.equals(ERROR_DETAILS_LABEL)) {
      errorDetails = null;
      return;
    }
    int index = addedNames.indexOf(name);
    if (index >= 0) {
      addedNames.remove(index);
      addedValues.remove(index);
    }
    if (stream.get(name) != null && !deletedStreamLabels.contains(name)) {
      deletedStreamLabels.add(name);
    }
  }

  public boolean hasError() {
    return error != null;
  }

  public String error() {
    return error;
  }

  /** Sets {@code __error__} (the last error wins, as in Loki) and its details. */
  public void setError(String error, String details) {
    this.error = error;
    if (details != null) {
      this.errorDetails = details;
    }
  }

  /** Names of all current labels, errors included, sorted. */
  public List<String> names() {
    return List.copyOf(toMap().keySet());
  }

  /** All current labels, errors included, sorted by name. */
  public TreeMap<String, String> toMap() {
    TreeMap<String, String> map = new TreeMap<>();
    for (int i = 0; i < stream.size(); i++) {
      if (!deletedStreamLabels.contains(stream.name(i))) {
        map.put(stream.name(i), stream.value(i));
      }
    }
    for (int i = 0; i < addedNames.size(); i++) {
      map.put(addedNames.get(i), addedValues.get(i));
    }
    if (error != null) {
      map.put(ERROR_LABEL, error);
    }
    if (errorDetails != null) {
      map.put(ERROR_DETAILS_LABEL, errorDetails);
    }
    return map;
  }

  /** The result label set of the line; the same set returns the same instance while it is cached. */
  public Labels labels() {
    if (addedNames.isEmpty() && deletedStreamLabels.isEmpty() && error == null && errorDetails == null) {
      return stream;
    }
    TreeMap<String, String> map = toMap();
    String[] pairs = new String[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> entry : map.entrySet()) {
      pairs[i++] = entry.getKey();
      pairs[i++] = entry.getValue();
    }
    ResultKey key = new ResultKey(pairs);
    Labels cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Labels labels = Labels.of(map);
    if (cache.size() >= MAX_CACHED_RESULTS) {
      cache.clear();
    }
    cache.put(key, labels);
    return labels;
  }

  /** An array key with value equality, for the result cache. */
  private record ResultKey(String[] pairs) {
    @Override
    public boolean equals(Object other) {
      return other instanceof ResultKey key && Arrays.equals(pairs, key.pairs);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(pairs);
    }

    @Override
    public String toString() {
      return Arrays.toString(pairs);
    }
  }
}
