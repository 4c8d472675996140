package dev.tonari.query.metric;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tonari.logql.AndLabelFilter;
import dev.tonari.logql.JsonParser;
import dev.tonari.logql.LabelFilterExpr;
import dev.tonari.logql.LabelFilterStage;
import dev.tonari.logql.LogfmtParser;
import dev.tonari.logql.NumericLabelFilter;
import dev.tonari.logql.OrLabelFilter;
import dev.tonari.logql.PipelineStage;
import dev.tonari.logql.StringLabelFilter;
import dev.tonari.logql.Unwrap;
import dev.tonari.query.LiteralSearch;
import dev.tonari.logql.UnwrapConversion;
import dev.tonari.query.pipeline.FieldKeys;
import dev.tonari.query.pipeline.JsonFieldScanner;
import dev.tonari.query.pipeline.LabelsBuilder;
import dev.tonari.query.pipeline.LogfmtFieldScanner;
import dev.tonari.query.template.GoNumbers;
import dev.tonari.store.Labels;
import dev.tonari.store.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sample of a line read straight from its bytes, for pipelines of the shape {@code | logfmt}
 * or {@code | json} (no flags, no parameters) followed by label filters (numeric comparisons and
 * string matchers), an optional {@code unwrap} without filters after it, grouped {@code by} labels:
 * the shapes of the heavy dashboard queries. A {@link FieldKeys} scanner finds only the labels the
 * query reads (grouping, filters, unwrap: the parser hints), the filters and the unwrap conversion
 * work on the bytes, and a line yields its grouping values and sample value without a String of
 * the line or of its unwanted fields.
 *
 * <p>It must give exactly what the String pipeline ({@link PipelineStages}) gives; so whatever it
 * is not sure of it does not decide: {@link Stream#take} answers {@link #FALL_BACK} for a line the
 * scanner will not take (escapes, non-ASCII values, JSON it does not accept), a number that is not
 * a plain decimal, a value that does not convert (which the pipeline turns into an {@code
 * __error__}), structured metadata naming {@code __error__}, and the caller runs the String
 * pipeline on that line. A pipeline of any other shape gets no plan ({@link #plan} returns null).
 * The seeded differential test ({@code FastSampleExtractorDifferentialTest}) holds it to that.
 */
final class FastSampleExtractor {
  /** {@link Stream#take}: the line gives no sample. */
  static final int NO_SAMPLE = 0;
  /** {@link Stream#take}: the line gives a sample, see {@link Stream#groupValues} and {@link Stream#value}. */
  static final int SAMPLE = 1;
  /** {@link Stream#take}: the String pipeline must decide this line. */
  static final int FALL_BACK = 2;

  private static final double[] POWERS_OF_TEN = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  private static final int MAX_EXACT_DIGITS = 15;
  /** Searched lines in a row holding the required names after which the search rests (see {@code Stream.searchRequiredNames}). */
  static final int SEARCH_RESTS_AFTER = 64;
  /** Lines a stream then takes without the search. */
  static final int SEARCH_REST = 1024;

  private final boolean json;
  /** Every label the query reads, sorted; a slot per name. */
  private final String[] needed;
  private final Filter[] filters;
  private final int[] groupSlots;
  private final int unwrapSlot;
  private final UnwrapConversion conversion;
  private final boolean bytes;
  /**
   * Per slot: whether a line without that label never gives a sample (a filter drops it, or the
   * unwrap skips it), so a line whose bytes cannot hold the label is skipped before it is scanned
   * (see {@link Stream#cannotHoldRequiredLabel}); all false when that is not safe for the plan.
   */
  private final boolean[] required;

  private FastSampleExtractor(
      boolean json, String[] needed, Filter[] filters, int[] groupSlots, int unwrapSlot, UnwrapConversion conversion, boolean bytes) {
    this.required = new boolean[needed.length];
    this.json = json;
    this.needed = needed;
    this.filters = filters;
    this.groupSlots = groupSlots;
    this.unwrapSlot = unwrapSlot;
    this.conversion = conversion;
    this.bytes = bytes;
    boolean readsErrors = false;
    for (String name : needed) {
      readsErrors |= isErrorLabel(name);
    }
    // A line with a parser error passes label filters (Loki's HasErr rule) and keeps its sample, so
    // only what skips a line whatever its error may skip it unscanned: without --strict logfmt never
    // marks an error, so its filters and unwrap count; a json line may be malformed, so only the
    // unwrap (a line without the label gives no sample, error or not). A query reading __error__
    // itself gets no skipping: keys naming it make the String pipeline decide.
    if (!readsErrors) {
      if (!json) {
        for (Filter filter : filters) {
          // A numeric filter on a value that does not convert marks the line with an error, and
          // every later filter passes it: what follows the first numeric filter requires nothing.
          boolean numeric = filter.mayMarkError();
          if (!numeric || filter instanceof Filter.Numeric) {
            filter.markRequired(required);
          }
          if (numeric) {
            break;
          }
        }
      }
      if (unwrapSlot >= 0) {
        required[unwrapSlot] = true;
      }
    }
  }

  /**
   * A plan for the stages after the pushed-down line filters, or null when their shape is not one
   * this class handles.
   *
   * @param neededLabels the parser hints (every label the query reads), null when there are none
   * @param groupNames the sorted {@code by} labels of the series
   * @param bytes whether the sample value is the line's length in bytes (otherwise 1, or the unwrap)
   */
  static FastSampleExtractor plan(List<PipelineStage> stages, Set<String> neededLabels, String[] groupNames, Unwrap unwrap, boolean bytes) {
    if (stages.isEmpty() || neededLabels == null || groupNames == null) {
      return null;
    }
    if (unwrap != null && !unwrap.postFilters().isEmpty()) {
      return null;
    }
    boolean json;
    switch (stages.get(0)) {
      case LogfmtParser logfmt when !logfmt.strict() && !logfmt.keepEmpty() && logfmt.extractions().isEmpty() -> json = false;
      case JsonParser parser when parser.extractions().isEmpty() -> json = true;
      default -> {
        return null;
      }
    }
    TreeSet<String> names = new TreeSet<>(neededLabels);
    names.addAll(Arrays.asList(groupNames));
    if (unwrap != null) {
      names.add(unwrap.label());
    }
    String[] needed = names.toArray(String[]::new);
    List<Filter> filters = new ArrayList<>();
    for (PipelineStage stage : stages.subList(1, stages.size())) {
      if (!(stage instanceof LabelFilterStage filterStage)) {
        return null;
      }
      Filter filter = compile(filterStage.filter(), needed);
      if (filter == null) {
        return null;
      }
      filters.add(filter);
    }
    int[] groupSlots = new int[groupNames.length];
    for (int i = 0; i < groupNames.length; i++) {
      groupSlots[i] = Arrays.binarySearch(needed, groupNames[i]);
    }
    int unwrapSlot = unwrap == null ? -1 : Arrays.binarySearch(needed, unwrap.label());
    return new FastSampleExtractor(
        json, needed, filters.toArray(Filter[]::new), groupSlots, unwrapSlot, unwrap == null ? null : unwrap.conversion(), bytes);
  }

  private static Filter compile(LabelFilterExpr expression, String[] needed) {
    switch (expression) {
      case AndLabelFilter and -> {
        Filter left = compile(and.left(), needed);
        Filter right = compile(and.right(), needed);
        return left == null || right == null ? null : new Filter.Binary(left, right, true);
      }
      case OrLabelFilter or -> {
        Filter left = compile(or.left(), needed);
        Filter right = compile(or.right(), needed);
        return left == null || right == null ? null : new Filter.Binary(left, right, false);
      }
      case NumericLabelFilter numeric -> {
        int slot = Arrays.binarySearch(needed, numeric.name());
        return slot < 0 ? null : new Filter.Numeric(slot, numeric);
      }
      case StringLabelFilter string -> {
        int slot = Arrays.binarySearch(needed, string.matcher().name());
        if (slot < 0) {
          return null;
        }
        return switch (string.matcher().type()) {
          case EQUAL, NOT_EQUAL -> new Filter.Equality(
              slot, string.matcher().value().getBytes(StandardCharsets.UTF_8), string.matcher().type() == dev.tonari.logql.MatcherType.NOT_EQUAL);
          case REGEX, NOT_REGEX -> {
            try {
              yield new Filter.Regex(slot, Pattern.compile("^(?s:" + string.matcher().value() + ")$"), string.matcher().type() == dev.tonari.logql.MatcherType.NOT_REGEX);
            } catch (PatternSyntaxException e) {
              // The String pipeline reports the bad pattern; this plan does not exist.
              yield null;
            }
          }
        };
      }
      default -> {
        return null;
      }
    }
  }

  /** The per-stream state: the scanner for the stream's key names and the line's resolved values. */
  Stream forStream(Labels streamLabels) {
    return new Stream(streamLabels);
  }

  /** Tri-state outcome of a filter: passes, drops, or cannot decide on bytes. */
  private static final int PASS = 1;
  private static final int DROP = 0;
  private static final int UNDECIDED = -1;

  /** A label filter over the resolved slot values of a line. */
  private sealed interface Filter {
    int test(Stream line);

    /** Marks the slots without which this filter drops every line without error (it never passes an absent label). */
    void markRequired(boolean[] required);

    /** Whether the filter may mark a line with an error (a numeric comparison with a value that does not convert). */
    default boolean mayMarkError() {
      return false;
    }

    record Binary(Filter left, Filter right, boolean and) implements Filter {
      @Override
      public int test(Stream line) {
        int leftResult = left.test(line);
        if (leftResult == UNDECIDED) {
          return UNDECIDED;
        }
        if (!and && leftResult == PASS) {
          return PASS;
        }
        int rightResult = right.test(line);
        if (rightResult == UNDECIDED) {
          return UNDECIDED;
        }
        return and ? (leftResult == PASS && rightResult == PASS ? PASS : DROP) : rightResult;
      }

      @Override
      public boolean mayMarkError() {
        return left.mayMarkError() || right.mayMarkError();
      }

      @Override
      public void markRequired(boolean[] required) {
        boolean[] leftRequired = new boolean[required.length];
        boolean[] rightRequired = new boolean[required.length];
        left.markRequired(leftRequired);
        right.markRequired(rightRequired);
        for (int slot = 0; slot < required.length; slot++) {
          // Both sides must pass an and, either side an or.
          required[slot] |= and ? leftRequired[slot] || rightRequired[slot] : leftRequired[slot] && rightRequired[slot];
        }
      }
    }

    /** Loki's numeric filter on a line without error: a missing label drops the line; one that does not convert makes an error. */
    record Numeric(int slot, NumericLabelFilter filter) implements Filter {
      @Override
      public int test(Stream line) {
        if (line.buffers[slot] == null) {
          return DROP;
        }
        double actual = line.parseNumber(slot, false);
        if (Double.isNaN(actual)) {
          // Not a plain decimal (or NaN itself): the String pipeline converts it, or marks the error.
          return UNDECIDED;
        }
        double expected = filter.value();
        int comparison = actual == expected ? 0 : actual < expected ? -1 : 1;
        return filter.operator().test(comparison) ? PASS : DROP;
      }

      @Override
      public void markRequired(boolean[] required) {
        required[slot] = true;
      }

      @Override
      public boolean mayMarkError() {
        return true;
      }
    }

    /** {@code =} and {@code !=}: a missing label is empty. */
    record Equality(int slot, byte[] value, boolean negated) implements Filter {
      @Override
      public int test(Stream line) {
        boolean equal = line.buffers[slot] == null
            ? value.length == 0
            : Arrays.equals(line.buffers[slot], line.starts[slot], line.ends[slot], value, 0, value.length);
        return equal != negated ? PASS : DROP;
      }

      @Override
      public void markRequired(boolean[] required) {
        // An absent label is empty: it passes = "" and != "x".
        required[slot] |= !negated && value.length > 0;
      }
    }

    /** {@code =~} and {@code !~}, fully anchored; the value is made a String (these filters are rarer). */
    record Regex(int slot, Pattern pattern, boolean negated) implements Filter {
      @Override
      public int test(Stream line) {
        return pattern.matches(line.text(slot)) != negated ? PASS : DROP;
      }

      @Override
      public void markRequired(boolean[] required) {
        // An absent label is tested as "".
        required[slot] |= pattern.matches("") == negated;
      }
    }
  }

  /** One stream's scanner and the values of its current line, per slot. */
  final class Stream {
    private final Labels streamLabels;
    private final LogfmtFieldScanner logfmtScanner;
    private final JsonFieldScanner jsonScanner;
    private final int[] scannedStart;
    private final int[] scannedEnd;
    /** Stream label values per slot (UTF-8), null when the stream has none. */
    private final byte[][] streamValues;
    /** Slots of {@code __error__}/{@code __error_details__}: a line setting them is left to the String pipeline. */
    private final int[] errorSlots;
    /** Structured metadata values per slot for {@link #lastMetadata}, null when it has none. */
    private byte[][] metadataValues;
    private Labels lastMetadata = Labels.EMPTY;
    private boolean metadataHasError;
    /** The resolved value of each slot for the current line: buffer and range; buffer null when absent. */
    final byte[][] buffers;
    final int[] starts;
    final int[] ends;
    /** Group values of the last sample, and the bytes they were made from, per group label. */
    private final String[] groupValues;
    private final byte[][] groupValueBytes;
    private double value;
    /**
     * Per required slot read from the line (see {@link #required}): a literal every line holding
     * the label contains, null for slots without one (taken from the stream, or from several keys).
     */
    private final LiteralSearch[] requiredLiterals;
    /**
     * logfmt, per required slot whose key is all letters and digits: the key and its {@code =},
     * which an ASCII line must contain to hold the label (only a non-ASCII space that sanitizing
     * trims can come between them); null otherwise.
     */
    private final LiteralSearch[] requiredPairs;
    private final boolean anyRequiredLiteral;

    Stream(Labels streamLabels) {
      this.streamLabels = streamLabels;
      int slots = needed.length;
      List<String> keyNames = new ArrayList<>();
      List<Integer> keySlots = new ArrayList<>();
      List<Integer> errorSlots = new ArrayList<>();
      streamValues = new byte[slots][];
      for (int slot = 0; slot < slots; slot++) {
        String name = needed[slot];
        if (isErrorLabel(name)) {
          // The builder never takes these from the stream; a key of the line with this name sets the error.
          keyNames.add(name);
          keySlots.add(slot);
          errorSlots.add(slot);
          continue;
        }
        String fromStream = streamLabels.get(name);
        if (fromStream == null) {
          keyNames.add(name);
          keySlots.add(slot);
        } else {
          streamValues[slot] = fromStream.getBytes(StandardCharsets.UTF_8);
        }
        if (name.endsWith(LabelsBuilder.DUPLICATE_SUFFIX)) {
          String base = name.substring(0, name.length() - LabelsBuilder.DUPLICATE_SUFFIX.length());
          if (streamLabels.get(base) != null) {
            keyNames.add(base);
            keySlots.add(slot);
          }
        }
      }
      FieldKeys keys = new FieldKeys(keyNames.toArray(String[]::new), keySlots.stream().mapToInt(Integer::intValue).toArray(), slots);
      if (json) {
        jsonScanner = new JsonFieldScanner(keys);
        logfmtScanner = null;
        scannedStart = jsonScanner.valueStart;
        scannedEnd = jsonScanner.valueEnd;
      } else {
        logfmtScanner = new LogfmtFieldScanner(keys);
        jsonScanner = null;
        scannedStart = logfmtScanner.valueStart;
        scannedEnd = logfmtScanner.valueEnd;
      }
      buffers = new byte[slots][];
      starts = new int[slots];
      ends = new int[slots];
      this.errorSlots = errorSlots.stream().mapToInt(Integer::intValue).toArray();
      requiredLiterals = new LiteralSearch[slots];
      requiredPairs = new LiteralSearch[slots];
      boolean anyLiteral = false;
      for (int slot = 0; slot < slots; slot++) {
        if (!required[slot] || streamValues[slot] != null || keySlots.indexOf(slot) != keySlots.lastIndexOf(slot) || keySlots.indexOf(slot) < 0) {
          continue;
        }
        String key = keyNames.get(keySlots.indexOf(slot));
        String literal = FieldKeys.longestAlphanumericRun(key);
        if (!literal.isEmpty()) {
          requiredLiterals[slot] = new LiteralSearch(literal);
          anyLiteral = true;
          if (!json && literal.equals(key)) {
            requiredPairs[slot] = new LiteralSearch(key + "=");
          }
        }
      }
      anyRequiredLiteral = anyLiteral;
      groupValues = new String[groupSlots.length];
      groupValueBytes = new byte[groupSlots.length][];
    }

    /**
     * Reads the line {@code buffer[offset, offset + length)} with its structured metadata: {@link
     * #SAMPLE}, {@link #NO_SAMPLE} or {@link #FALL_BACK}.
     */
    /** Searched lines in a row that held the required names (see {@link #searchRequiredNames}). */
    private int linesHoldingTheNames;
    /** Lines still to take without the search. */
    private int searchRest;

    int take(byte[] buffer, int offset, int length, Labels metadata) {
      if (metadata != lastMetadata) {
        useMetadata(metadata);
      }
      if (metadataHasError) {
        return FALL_BACK;
      }
      // While a JSON stream's lines take the scanner's shape, scanning them costs less than the
      // search; either way a line without the label gives no sample.
      if (anyRequiredLiteral && !(json && jsonScanner.lastLineTookShape()) && searchRequiredNames()
          && cannotHoldRequiredLabel(buffer, offset, length)) {
        linesHoldingTheNames = 0;
        return NO_SAMPLE;
      }
      boolean clean = json ? jsonScanner.scan(buffer, offset, length) : logfmtScanner.scan(buffer, offset, length);
      if (!clean) {
        return FALL_BACK;
      }
      for (int slot : errorSlots) {
        if (scannedStart[slot] >= 0) {
          return FALL_BACK;
        }
      }
      for (int slot = 0; slot < buffers.length; slot++) {
        if (scannedStart[slot] >= 0) {
          buffers[slot] = buffer;
          starts[slot] = scannedStart[slot];
          ends[slot] = scannedEnd[slot];
        } else {
          byte[] fallback = metadataValues != null && metadataValues[slot] != null ? metadataValues[slot] : streamValues[slot];
          buffers[slot] = fallback;
          starts[slot] = 0;
          ends[slot] = fallback == null ? 0 : fallback.length;
        }
      }
      for (Filter filter : filters) {
        int outcome = filter.test(this);
        if (outcome == UNDECIDED) {
          return FALL_BACK;
        }
        if (outcome == DROP) {
          return NO_SAMPLE;
        }
      }
      if (unwrapSlot >= 0) {
        if (buffers[unwrapSlot] == null || starts[unwrapSlot] == ends[unwrapSlot]) {
          // Loki skips lines without the unwrapped label rather than failing them.
          return NO_SAMPLE;
        }
        double converted = conversion == UnwrapConversion.NONE ? parseNumber(unwrapSlot, true) : Double.NaN;
        if (Double.isNaN(converted)) {
          try {
            converted = UnwrapValues.convert(conversion, text(unwrapSlot));
          } catch (UnwrapValues.ConversionException e) {
            // The String pipeline labels the sample with the error and all its labels.
            return FALL_BACK;
          }
        }
        value = converted;
      } else if (bytes) {
        if (!Utf8.isAscii(buffer, offset, length)) {
          // The pipeline counts the bytes of the decoded line, which differ for invalid UTF-8.
          value = Utf8.length(new String(buffer, offset, length, StandardCharsets.UTF_8));
        } else {
          value = length;
        }
      } else {
        value = 1;
      }
      for (int i = 0; i < groupSlots.length; i++) {
        int slot = groupSlots[i];
        byte[] source = buffers[slot];
        if (source == null) {
          groupValues[i] = null;
          groupValueBytes[i] = null;
          continue;
        }
        byte[] previous = groupValueBytes[i];
        if (previous == null || !Arrays.equals(previous, 0, previous.length, source, starts[slot], ends[slot])) {
          groupValueBytes[i] = Arrays.copyOfRange(source, starts[slot], ends[slot]);
          groupValues[i] = new String(groupValueBytes[i], StandardCharsets.UTF_8);
        }
      }
      return SAMPLE;
    }

    /**
     * Whether the line's bytes cannot give some required label: a key sanitizes to a label name by
     * replacing characters outside {@code [a-zA-Z0-9_]} with {@code _} (and trimming, and a leading
     * {@code _} before a digit), nested JSON names join keys with {@code _}, so every run of ASCII
     * letters and digits of the name is in the line's bytes, unless a JSON key spells it with
     * escapes (a line with a backslash is always scanned). Metadata may give the label too.
     */
    /**
     * Whether to search this line for the required names. A stream whose last {@link
     * #SEARCH_RESTS_AFTER} searched lines all held them (a logfmt stream read for {@code status}
     * has it on every line) rests the search for {@link #SEARCH_REST} lines, then tries it again:
     * there the search found the name every time and cost a quarter of a logfmt rate's CPU. Either
     * way a line without the names gives no sample; the scanner decides it when not searched.
     */
    private boolean searchRequiredNames() {
      if (searchRest > 0) {
        searchRest--;
        return false;
      }
      if (++linesHoldingTheNames > SEARCH_RESTS_AFTER) {
        linesHoldingTheNames = 0;
        searchRest = SEARCH_REST;
      }
      return true;
    }

    private boolean cannotHoldRequiredLabel(byte[] buffer, int offset, int length) {
      boolean escapesChecked = false;
      for (int slot = 0; slot < requiredLiterals.length; slot++) {
        LiteralSearch literal = requiredLiterals[slot];
        if (literal == null || (metadataValues != null && metadataValues[slot] != null)) {
          continue;
        }
        LiteralSearch pair = requiredPairs[slot];
        if (pair != null) {
          if (pair.foundIn(buffer, offset, length)) {
            continue;
          }
          if (Utf8.isAscii(buffer, offset, length)) {
            return true;
          }
        }
        if (literal.foundIn(buffer, offset, length)) {
          continue;
        }
        if (json && !escapesChecked) {
          for (int i = offset; i < offset + length; i++) {
            if (buffer[i] == '\\') {
              return false;
            }
          }
          escapesChecked = true;
        }
        return true;
      }
      return false;
    }

    /** The grouping label values of the last {@link #SAMPLE}, in the plan's sorted order; null for an absent label. */
    String[] groupValues() {
      return groupValues;
    }

    /** The value of the last {@link #SAMPLE}. */
    double value() {
      return value;
    }

    private void useMetadata(Labels metadata) {
      lastMetadata = metadata;
      metadataValues = null;
      metadataHasError = false;
      for (int i = 0; i < metadata.size(); i++) {
        String name = metadata.name(i);
        if (isErrorLabel(name)) {
          metadataHasError = true;
          return;
        }
        String stored = streamLabels.get(name) != null ? name + LabelsBuilder.DUPLICATE_SUFFIX : name;
        int slot = Arrays.binarySearch(needed, stored);
        if (slot >= 0) {
          if (metadataValues == null) {
            metadataValues = new byte[needed.length][];
          }
          metadataValues[slot] = metadata.value(i).getBytes(StandardCharsets.UTF_8);
        }
      }
    }

    String text(int slot) {
      return buffers[slot] == null ? "" : new String(buffers[slot], starts[slot], ends[slot] - starts[slot], StandardCharsets.UTF_8);
    }

    /**
     * A slot's value as a number when it is a plain decimal ({@code -?digits[.digits]}, at most 15
     * digits), which Go's ParseFloat and Java's parseDouble read the same and which one division
     * of exact doubles gives correctly rounded; NaN otherwise (the caller then decides by the
     * String rules). For label filters the text goes through Loki's conversion if not plain.
     */
    double parseNumber(int slot, boolean forUnwrap) {
      byte[] text = buffers[slot];
      int position = starts[slot];
      int end = ends[slot];
      boolean negative = position < end && text[position] == '-';
      if (negative) {
        position++;
      }
      long mantissa = 0;
      int digits = 0;
      int fractionDigits = 0;
      boolean inFraction = false;
      boolean any = false;
      for (; position < end; position++) {
        byte c = text[position];
        if (c >= '0' && c <= '9') {
          mantissa = mantissa * 10 + (c - '0');
          digits++;
          any = true;
          if (inFraction) {
            fractionDigits++;
          }
        } else if (c == '.' && !inFraction && any) {
          inFraction = true;
          any = false;
        } else {
          return forUnwrap ? Double.NaN : convertForFilter(slot);
        }
      }
      if (!any || digits > MAX_EXACT_DIGITS) {
        return forUnwrap ? Double.NaN : convertForFilter(slot);
      }
      double magnitude = mantissa / POWERS_OF_TEN[fractionDigits];
      return negative ? -magnitude : magnitude;
    }

    /** Loki's label filter conversion of a value that is not a plain decimal; NaN when it fails or is NaN. */
    private double convertForFilter(int slot) {
      Double converted = GoNumbers.parseFloat(text(slot));
      return converted == null ? Double.NaN : converted;
    }
  }

  private static boolean isErrorLabel(String name) {
    return name.equals(LabelsBuilder.ERROR_LABEL) || name.equals(LabelsBuilder.ERROR_DETAILS_LABEL);
  }

}
