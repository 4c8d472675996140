package dev.tonari.store.engine;

/**
 * Size-tiered merging by level. A flush writes level-0 parts; whenever a tenant has at least
 * {@code partsPerMerge} parts of one level L below {@code maxLevel}, the oldest {@code
 * partsPerMerge} of them are merged (de-duplicating) into one part of level L+1. Parts at {@code
 * maxLevel} are final.
 *
 * <p>Write amplification is bounded: every entry is written once by the flush and at most once
 * per level afterwards, so at most {@code 1 + maxLevel} times in all; with the defaults (4, 3) a
 * tenant's steady state holds fewer than 4 parts per level plus its final parts.
 *
 * <p><b>At a graceful close</b> (with a background maintenance thread), after the final flush,
 * each tenant's level-0 parts, however few, are merged into one level-1 part, then the merges
 * that became due run. Level 0 is written at the flush zstd level (fast, while ingesting); merged
 * parts use the higher merge level, so a stopped store keeps nothing at the flush level. Only
 * level 0 is merged early (recent and small: a few flushes' worth), so a restart never rewrites
 * old data, and each entry still passes through every level at most once: the bound above holds.
 * Frequent restarts make smaller level-1 parts, which reach level 2 sooner.
 *
 * @param partsPerMerge how many parts of one level are merged together (at least 2)
 * @param maxLevel the level at which parts are no longer merged (0 disables merging)
 */
public record MergePolicy(int partsPerMerge, int maxLevel) {
  public MergePolicy {
    if (partsPerMerge < 2) {
      throw new IllegalArgumentException("a merge needs at least 2 parts, got " + partsPerMerge);
    }
    if (maxLevel < 0) {
      throw new IllegalArgumentException("max merge level must be >= 0, got " + maxLevel);
    }
  }

  public static MergePolicy defaults() {
    return new MergePolicy(4, 3);
  }

  public static MergePolicy disabled() {
    return new MergePolicy(2, 0);
  }
}
