package dev.tonari.store.part;

/**
 * The byte-level specification of a part file, format "tonari-part" version 6. {@code
 * docs/format.md} mirrors this text with a worked example; the two must change together.
 *
 * <p>All fixed-width integers are little-endian. "varint" is unsigned LEB128 (7 bits per byte,
 * low groups first, high bit set on every byte but the last); "zigzag" maps a signed n to {@code
 * (n << 1) ^ (n >> 63)} before the varint. "string" is a u32 byte length followed by UTF-8 bytes.
 * CRC32C is the Castagnoli CRC of {@link java.util.zip.CRC32C}.
 *
 * <pre>
 * part    = header data footer trailer
 * header  (24 bytes)
 *   0  4  magic 0x89 'T' 'N' 'P'           (89 54 4E 50; the high byte catches 7-bit transfers)
 *   4 11  format name "tonari-part"        (ASCII)
 *  15  1  0x00
 *  16  4  u32 version = 6                 (readers also accept 1 to 5; see the block and bloom region)
 *  20  4  u32 flags = 0                     (readers reject any other value)
 * data    for each stream in index order, for each of its blocks in time order:
 *           compressed block (compressedSize bytes) followed by its bloom filter (bloomSize bytes).
 *           The regions tile [24, footerOffset) exactly, with no gaps, so every byte is covered
 *           by a checksum.
 * footer  (footerLength bytes at footerOffset; CRC32C in the trailer)
 *   string tenant
 *   u32    level
 *   u32    replaces count, then that many strings (names of the parts this one replaces)
 *   u32    stream count
 *   u64    entries; i64 min timestamp; i64 max timestamp (both 0 without entries)
 *   u64    raw bytes (sum of line lengths)
 *   per stream, in ascending label order:
 *     u32    label count, then per label: string name, string value (sorted by name)
 *     u64    fingerprint ({@link dev.tonari.store.Labels#fingerprint()}; checked on open)
 *     i64    min timestamp; i64 max timestamp; u64 entries
 *     u32    block count, then per block 48 bytes:
 *        0  u64 offset of the compressed block in the file
 *        8  u32 compressed size
 *       12  u32 raw (uncompressed) size
 *       16  u32 entry count (at least 1)
 *       20  i64 min timestamp (of the first entry)
 *       28  i64 max timestamp (of the last entry)
 *       36  u32 CRC32C of the compressed block
 *       40  u32 bloom filter size (it follows the compressed block)
 *       44  u32 CRC32C of the bloom filter
 * trailer (32 bytes at the end of the file)
 *   0  u64 footer offset
 *   8  u64 footer length (footer offset + footer length + 32 = file size)
 *  16  u32 CRC32C of the footer
 *  20  u32 version (equals the header's)
 *  24  u32 CRC32C of trailer bytes 0..23
 *  28  4   magic 0x89 'T' 'N' 'P'
 * </pre>
 *
 * <p><b>Block, versions 1 and 2.</b> One zstd frame (with its content size) holding the entries of
 * one stream, sorted by timestamp (equal timestamps in push order; parts written before push order
 * was kept have them by line bytes), as four columns one after the other, so that zstd sees similar
 * bytes together:
 *
 * <pre>
 *   timestamps  version 2: varint d (at least 1, the greatest common divisor of the differences
 *               between consecutive timestamps), zigzag varint of the first timestamp, then n-1
 *               varints: each difference from the previous timestamp divided by d (a difference
 *               of 2^63 or more is written as its two's complement with d = 1).
 *               Version 1: n zigzag varints, the first timestamp, then each difference.
 *   lengths     n varints: the byte length of each line
 *   metadata    n records: varint pair count, then per pair varint length + UTF-8 name,
 *               varint length + UTF-8 value (structured metadata, sorted by name; empty = one 0x00)
 *   lines       the line bytes, concatenated (no separators)
 * </pre>
 *
 * The columns fill the raw size exactly. A writer closes a block once its line and metadata bytes
 * reach the target (512 KiB by default), so a block holds at least one entry and a single long
 * line makes a block of its own. The directory's raw size is the decompressed size of the frame.
 *
 * <p><b>Block, version 3.</b> The same entries, sorted the same way, with the lines split into a
 * template and typed variables ({@link TemplatedLinesEncoder}); the block is
 *
 * <pre>
 * version 3 (templated lines): one zstd frame holding, in this order,
 *   sizes       varint line bytes L (sum of the line lengths), varint skeleton bytes K,
 *               varint number bytes N, varint value bytes V
 *   timestamps  varint mode (0 = deltas, 1 = deltas of deltas), varint d (as in version 2),
 *               zigzag varint of the first timestamp, then n-1 values: mode 0 varint delta/d;
 *               mode 1 zigzag varint of (delta_i/d - delta_(i-1)/d), with delta_0 = 0
 *   metadata    n records as in version 2
 *   skeleton    K bytes: per line its text with each variable replaced by a marker, then 0x00
 *   numbers     N bytes of varints, in the order the skeleton uses them
 *   values      V bytes, in the order the skeleton uses them
 * The skeleton's bytes 0x00-0x07 are markers; every other byte is line text:
 *   0x00  end of the line
 *   0x01  number: the next varint of numbers, in decimal (0 or no leading zero, at most 18 digits)
 *   0x02  lowercase hex run: one skeleton byte c (8..255, the digit count), then ceil(c/2) bytes of
 *         values, high nibble first (an odd run's last low nibble is 0)
 *   0x03  uppercase hex run, the same
 *   0x04  lowercase UUID 8-4-4-4-12: 16 bytes of values
 *   0x05  IPv4 dotted quad (0-255, no leading zeros): 4 bytes of values, first octet first
 *   0x06  escape: the next skeleton byte is line text (how line bytes 0x00-0x07 are written)
 *   0x07  date-time YYYY-MM-DD?hh:mm:ss[.f]: one skeleton byte of flags (0x10 set: 'T' between
 *         date and time, else ' '; low 4 bits: the fraction's digit count 0-9, 0 meaning no '.'),
 *         then the next varint of numbers: zigzag of (the date-time, UTC, in units of the
 *         fraction) minus floor(the entry's timestamp / the unit)
 * A writer marks a variable only at the start of an alphanumeric ASCII run (the byte before is not
 * a letter or digit) and only where the run (for a UUID or IPv4: the whole pattern) is not followed
 * by a letter or digit, so that the decoded text equals the line byte for byte; anything else stays
 * text. The columns fill the raw size exactly and decode to exactly L line bytes.
 * </pre>
 *
 * <p><b>Bloom region</b> of a block ({@link dev.tonari.store.bloom.BlockFilters}), in one of five
 * forms told apart by its first u32 and kind byte; versions 1 to 3 have legacy or kind-1 regions,
 * version 4 only kind-2 ones, version 5 only kind-3 ones, version 6 only kind-4 ones (any other
 * combination is a corrupt part):
 *
 * <pre>
 *   legacy  one {@link dev.tonari.store.bloom.BloomFilter} (u32 word count >= 1, u8 hash count,
 *           words as u64): the token filter, holding the hash of every distinct {@link
 *           dev.tonari.store.bloom.BloomTerms term} of the block's lines, sized for their count at
 *           the writer's false-positive rate. Written before the substring index; still read.
 *   kind 1  0  4  u32 0 (no filter has 0 words)
 *           4  1  u8 kind = 1
 *           5  .  the token filter (as above)
 *           .  .  the substring filter: a BloomFilter of every distinct {@link
 *                 dev.tonari.store.bloom.SubstringTerms term} (8-byte grams of long tokens at
 *                 stride 4, junctions of tokens around one '.' or ':'), at 20% false positives
 *                 per term; nothing follows it.
 *   kind 2  0  4  u32 0
 *           4  1  u8 kind = 2
 *           5  .  the folded filter: a BloomFilter of every distinct {@link
 *                 dev.tonari.store.bloom.FoldedTerms term} of the lines with ASCII letters
 *                 lowercased (tokens, 6-byte prefixes and suffixes, numeric junctions around '.',
 *                 winnowed 8-byte grams of tokens of 15+ bytes), at 20% false positives per term
 *                 by default; nothing follows it. Exact and case-insensitive literals probe it.
 *   kind 3  0  4  u32 0
 *           4  1  u8 kind = 3
 *           5  .  the word-hashed folded filter: the terms of kind 2, each hashed by {@link
 *                 dev.tonari.store.bloom.BloomTerms#wordHash} (eight bytes a step) instead of
 *                 FNV-1a byte by byte; same false-positive rate, nothing follows it.
 *   kind 4  0  4  u32 0
 *           4  1  u8 kind = 4
 *           5  .  the word-hashed folded filter of kind 3's terms and, for four tokens joined
 *                 by single dots A.B.C.D where B and C are 1 to 3 ASCII digits and A's last and
 *                 D's first byte are ASCII digits, the {@link
 *                 dev.tonari.store.bloom.SubstringTerms#forEachNumericSpanTerm span} (tag 6):
 *                 A's last byte, '.', B, '.', C, '.', D's first byte; same false-positive rate,
 *                 nothing follows it.
 * </pre>
 *
 * <p><b>Version 4</b> is version 3 with kind-2 regions; blocks, footer and trailer are unchanged.
 * The version moved so that a version-3 reader refuses such a part as unknown instead of
 * quarantining it as corrupt (it rejects kind 2).
 *
 * <p><b>Version 5</b> is version 4 with kind-3 regions, for the same reason: a version-4 reader
 * refuses it as unknown. Word hashes cut the part writer's term hashing (a gram at every byte of a
 * long token; store/RATIONALE.md, "Format 5: terms hashed a word at a time").
 *
 * <p><b>Version 6</b> is version 5 with kind-4 regions. An address literal such as {@code
 * 13.91.208.108} probes only junctions of two octets, and a block full of addresses holds such a
 * junction by chance; a span ties all four octets in one term, and every IPv4 literal knows its
 * bytes (store/RATIONALE.md, "Format 6: numeric spans").
 *
 * <p><b>Reading.</b> Open checks the header, trailer, footer CRC, the footer's structure (lengths,
 * order, fingerprints, tiling, totals) and every bloom filter's CRC, so that an opened part's
 * index and bloom filters can be trusted. A block's CRC is checked each time it is read, before
 * it is decompressed, and its zstd frame's content size must equal the directory's raw size before
 * a buffer is sized from it.
 */
public final class PartFormat {
  /** Version 3's blocks with one case-folded, word-hashed filter per block that also holds numeric spans (bloom region kind 4). Written by default. */
  public static final int VERSION = 6;

  public static final int VERSION_6 = 6;
  /** Version 3's blocks with one case-folded, word-hashed filter per block (bloom region kind 3). */
  public static final int VERSION_5 = 5;

  /** Version 3's blocks with one case-folded, byte-hashed filter per block (bloom region kind 2). */
  public static final int VERSION_4 = 4;
  /** Templated lines with two filters per block (bloom region kind 1). Still read; written only when asked. */
  public static final int VERSION_3 = 3;
  /** Plain lines with a length column. Still read; written only when asked ({@link PartWriterOptions#formatVersion}). */
  public static final int VERSION_2 = 2;
  /** The first format: timestamps as zigzag deltas without a divisor. Still read, never written. */
  public static final int VERSION_1 = 1;
  public static final String FORMAT_NAME = "tonari-part";
  public static final byte[] MAGIC = {(byte) 0x89, 'T', 'N', 'P'};
  public static final int HEADER_BYTES = 24;
  public static final int TRAILER_BYTES = 32;
  public static final int BLOCK_DIRECTORY_ENTRY_BYTES = 48;
  /** File name suffix for parts in an object store. */
  public static final String FILE_SUFFIX = ".part";

  private PartFormat() {}

  /**
   * The folded filter scheme of a part of this version: the one scheme of its bloom regions from
   * version 4 on, null for versions 1 to 3 (token and substring filters). The writer, the reader's
   * check and the head's chunks take it from here.
   */
  public static dev.tonari.store.bloom.FoldedTerms.Scheme foldedScheme(int version) {
    return switch (version) {
      case VERSION_6 -> dev.tonari.store.bloom.FoldedTerms.Scheme.WORD_HASHED_NUMERIC_SPANS;
      case VERSION_5 -> dev.tonari.store.bloom.FoldedTerms.Scheme.WORD_HASHED;
      case VERSION_4 -> dev.tonari.store.bloom.FoldedTerms.Scheme.BYTE_HASHED;
      default -> null;
    };
  }

  /** Whether a bloom region of this kind (0 legacy, 1 to 4) belongs in a part of this version. */
  static boolean hasRegionOfItsVersion(int version, int regionKind) {
    dev.tonari.store.bloom.FoldedTerms.Scheme scheme = foldedScheme(version);
    return scheme != null ? regionKind == scheme.regionKind() : regionKind <= dev.tonari.store.bloom.BlockFilters.KIND_TOKENS_AND_SUBSTRINGS;
  }

  /** The region kinds a part of this version has, for error messages. */
  static String regionKindsOf(int version) {
    return switch (version) {
      case VERSION_6 -> "word-hashed folded with numeric spans (kind 4)";
      case VERSION_5 -> "word-hashed folded (kind 3)";
      case VERSION_4 -> "folded (kind 2)";
      default -> "token (legacy or kind 1)";
    };
  }
}
