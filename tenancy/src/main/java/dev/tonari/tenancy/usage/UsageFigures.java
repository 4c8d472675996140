package dev.tonari.tenancy.usage;

/**
 * A tenant's usage over some period (a day, or a sum of days).
 *
 * @param entriesIngested entries accepted by pushes
 * @param bytesIngested line bytes accepted by pushes (uncompressed)
 * @param storedByteHours sum over sampled hours of the bytes stored in that hour (GB-hours * 10^9)
 * @param storedBytes bytes stored at the latest sample of the period
 * @param bytesScanned bytes read by queries
 * @param queries queries run
 * @param entriesRefused entries refused by limits (rate, streams, validation)
 * @param writeRequests object-store requests S3 prices as writes (PUT, COPY, POST, LIST) for the
 *     tenant's parts; 0 with local storage
 * @param readRequests object-store requests S3 prices as reads (GET, HEAD, and everything else but DELETE, which is free)
 */
public record UsageFigures(long entriesIngested, long bytesIngested, long storedByteHours, long storedBytes, long bytesScanned, long queries,
    long entriesRefused, long writeRequests, long readRequests) {
  public static final UsageFigures ZERO = new UsageFigures(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Without object-store requests (local storage). */
  public UsageFigures(long entriesIngested, long bytesIngested, long storedByteHours, long storedBytes, long bytesScanned, long queries,
      long entriesRefused) {
    this(entriesIngested, bytesIngested, storedByteHours, storedBytes, bytesScanned, queries, entriesRefused, 0, 0);
  }

  /** Sums two periods; the later period's stored bytes are the current ones. */
  public UsageFigures plus(UsageFigures later) {
    return new UsageFigures(entriesIngested + later.entriesIngested, bytesIngested + later.bytesIngested, storedByteHours + later.storedByteHours,
        later.storedBytes, bytesScanned + later.bytesScanned, queries + later.queries, entriesRefused + later.entriesRefused,
        writeRequests + later.writeRequests, readRequests + later.readRequests);
  }
}
