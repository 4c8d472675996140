package dev.tonari.slo.rollup;

import java.util.List;
import java.util.Optional;

/**
 * Where the per-minute good/total rollups of every SLO series live between evaluations, so that a
 * 30-day budget is read from 43,200 stored minutes instead of a 30-day log scan, and survives a
 * restart.
 *
 * <p><b>Evaluated, no data, never evaluated.</b> A {@link MinuteSeries} passed to {@link #write}
 * is the record of one evaluation of the range {@code [minutes.startMinute(),
 * minutes.endMinute())}: every minute of that range was evaluated. A minute with data replaces
 * what was stored; a minute without data (total NaN) was evaluated and found empty, so it clears
 * what was stored. Minutes outside the range are not touched. To record an evaluation that found
 * nothing for a group, write an all-empty series over the evaluated range (the engine does this
 * for every group {@link #series} lists but the source no longer returns). On {@link #read} a
 * minute cleared this way and a minute never evaluated both read as no data: the budget maths
 * treats them alike (neither good nor bad), and the engine keeps its own evaluation progress.
 *
 * <p>Implementations are safe for concurrent use. Failures of the underlying storage are thrown
 * as {@link java.io.UncheckedIOException} naming the tenant, SLO and file; stored data found
 * corrupt is never returned (see {@link FileRollupStore}).
 */
public interface RollupStore extends AutoCloseable {

  /** Records one evaluation of {@code [minutes.startMinute(), minutes.endMinute())}; see above. */
  void write(SeriesKey key, MinuteSeries minutes);

  /**
   * The stored minutes {@code [fromMinute, toMinute)} of one series; minutes never written, cleared,
   * pruned or unreadable have no data. Never null; an unknown series is all no data.
   */
  MinuteSeries read(SeriesKey key, long fromMinute, long toMinute);

  /**
   * The series of one SLO that hold at least one minute with data: one key per {@code group_by}
   * value, or the single ungrouped key. In no particular order.
   */
  List<SeriesKey> series(String tenant, String sloId);

  /** Drops every series and the fingerprint of an SLO (the SLO was deleted or is rebuilt). */
  void deleteSlo(String tenant, String sloId);

  /**
   * The hash of the spec the stored rollups were computed for; empty when none was set or the
   * store lost it (deleted, or found corrupt data of this SLO), in which case the engine rebuilds.
   */
  Optional<String> fingerprint(String tenant, String sloId);

  /** Records the spec hash the stored rollups now belong to. */
  void setFingerprint(String tenant, String sloId, String fingerprint);

  /** Drops every minute before {@code beforeMinute} of every series (older than any window needs). */
  void prune(long beforeMinute);

  /** Releases files and memory; the store must not be used afterwards. */
  @Override
  void close();
}
