package dev.tonari.query;

import com.google.re2j.Pattern;
import dev.tonari.logql.LineFilter;
import dev.tonari.logql.LineFilterOperator;
import dev.tonari.logql.LineFilterTerm;
import dev.tonari.logql.LogqlParseException;
import dev.tonari.logql.LogqlRegex;
import dev.tonari.store.LinePredicate;
import dev.tonari.store.LiteralLinePredicate;
import dev.tonari.store.PrefilteredLinePredicate;
import dev.tonari.store.bloom.FoldedTerms;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a chain of line filters into one {@link LinePredicate} over UTF-8 bytes, so that the
 * store can drop lines before any String is made. Literal filters search bytes; regex filters run
 * RE2/J on the bytes (linear time). Also lists the literals every kept line must contain, which
 * the store uses to skip blocks by their bloom filters; a chain that is not only plain {@code |=}
 * literals but has such literals compiles to a {@link PrefilteredLinePredicate}, so that the store
 * searches them over whole blocks and runs the regexes only on the lines that hold them.
 */
public final class LineFilterCompiler {
  private LineFilterCompiler() {}

  /** A test of one line for one alternative of a filter. */
  private interface Term {
    boolean foundIn(byte[] buffer, int offset, int length);
  }

  public static LinePredicate compile(List<LineFilter> filters) throws QueryException, LogqlParseException {
    if (filters.isEmpty()) {
      return LinePredicate.ALL;
    }
    List<String> literals = plainLiterals(filters);
    if (literals != null) {
      // A chain of plain |= literals: the store may search them over a whole block at once.
      return LiteralLinePredicate.containingAll(literals);
    }
    LinePredicate[] stages = new LinePredicate[filters.size()];
    for (int i = 0; i < filters.size(); i++) {
      stages[i] = compileFilter(filters.get(i));
    }
    LinePredicate chain;
    if (stages.length == 1) {
      chain = stages[0];
    } else {
      chain = (buffer, offset, length) -> {
        for (LinePredicate stage : stages) {
          if (!stage.test(buffer, offset, length)) {
            return false;
          }
        }
        return true;
      };
    }
    chain = withCaseInsensitivePrecheck(caseInsensitiveLiterals(filters), chain);
    // Every kept line holds the required literals (also those found inside regexes): the store
    // searches them over whole blocks, and the chain (a regex, say) runs only on the lines holding them.
    return PrefilteredLinePredicate.of(requiredLiterals(filters), chain);
  }

  /** The literals when every filter is a plain {@code |= "text"} without alternatives, else null. */
  private static List<String> plainLiterals(List<LineFilter> filters) {
    List<String> literals = new ArrayList<>(filters.size());
    for (LineFilter filter : filters) {
      if (filter.operator() != LineFilterOperator.CONTAINS
          || filter.alternatives().size() != 1
          || !(filter.alternatives().get(0) instanceof LineFilterTerm.Text text)) {
        return null;
      }
      literals.add(text.value());
    }
    return literals;
  }

  /**
   * Strings that every line passing the filters contains: the {@code |=} literals, and the
   * literals every match of a {@code |~} regex contains ({@link RegexLiterals}). A filter with
   * {@code or} alternatives contributes only the strings common to all of them; negated filters
   * contribute nothing. The store uses them to skip blocks by their bloom filters.
   */
  public static List<String> requiredLiterals(List<LineFilter> filters) {
    Set<String> literals = new LinkedHashSet<>();
    for (LineFilter filter : filters) {
      if (filter.operator() != LineFilterOperator.CONTAINS && filter.operator() != LineFilterOperator.MATCHES_REGEX) {
        continue;
      }
      Set<String> common = null;
      for (LineFilterTerm term : filter.alternatives()) {
        Set<String> ofTerm = new LinkedHashSet<>();
        if (term instanceof LineFilterTerm.Text text) {
          if (filter.operator() == LineFilterOperator.CONTAINS) {
            ofTerm.add(text.value());
          } else {
            for (String literal : RegexLiterals.requiredLiterals(text.value())) {
              // RE2/J reads an invalid UTF-8 byte of a line as U+FFFD, whose UTF-8 bytes the line then
              // lacks: such a literal is not certain to be in the bytes of every matching line.
              if (literal.indexOf('\uFFFD') < 0) {
                ofTerm.add(literal);
              }
            }
          }
        }
        ofTerm.remove("");
        if (common == null) {
          common = ofTerm;
        } else {
          common.retainAll(ofTerm);
        }
      }
      if (common != null) {
        literals.addAll(common);
      }
    }
    return List.copyOf(literals);
  }

  /**
   * Strings that every line passing the filters contains up to case, from {@code |~} filters with
   * case-insensitive flags ({@link RegexLiterals#caseInsensitiveLiterals}): the store probes its
   * case-folded filters with them. A filter with {@code or} alternatives contributes the strings
   * common to all of them (an exact literal of one alternative counts for it, since a string
   * contained exactly is contained up to case); filters without a case-insensitive regex
   * contribute nothing here, their literals being in {@link #requiredLiterals}.
   */
  public static List<String> caseInsensitiveLiterals(List<LineFilter> filters) {
    Set<String> literals = new LinkedHashSet<>();
    for (LineFilter filter : filters) {
      if (filter.operator() != LineFilterOperator.CONTAINS && filter.operator() != LineFilterOperator.MATCHES_REGEX) {
        continue;
      }
      Set<String> common = null;
      boolean anyCaseInsensitive = false;
      for (LineFilterTerm term : filter.alternatives()) {
        Set<String> ofTerm = new LinkedHashSet<>();
        if (term instanceof LineFilterTerm.Text text) {
          if (filter.operator() == LineFilterOperator.CONTAINS) {
            ofTerm.add(asciiLowercase(text.value()));
          } else {
            List<String> ignoringCase = RegexLiterals.caseInsensitiveLiterals(text.value());
            anyCaseInsensitive |= !ignoringCase.isEmpty();
            for (String literal : ignoringCase.isEmpty() ? RegexLiterals.requiredLiterals(text.value()) : ignoringCase) {
              // As in requiredLiterals: U+FFFD may stand for an invalid byte the line does not hold.
              if (literal.indexOf('\uFFFD') < 0) {
                ofTerm.add(asciiLowercase(literal));
              }
            }
          }
        }
        ofTerm.remove("");
        if (common == null) {
          common = ofTerm;
        } else {
          // A string one alternative requires is required by the other when one of its strings contains it.
          Set<String> both = new LinkedHashSet<>();
          addContainedIn(common, ofTerm, both);
          addContainedIn(ofTerm, common, both);
          common = both;
        }
      }
      if (common != null && anyCaseInsensitive) {
        literals.addAll(common);
      }
    }
    return List.copyOf(literals);
  }

  private static void addContainedIn(Set<String> candidates, Set<String> others, Set<String> common) {
    for (String candidate : candidates) {
      for (String other : others) {
        if (other.contains(candidate)) {
          common.add(candidate);
          break;
        }
      }
    }
  }

  /**
   * The chain behind a cheap test that the line holds each case-insensitive literal up to ASCII
   * case, so that RE2 runs only on the lines that may match ({@code |~ "(?i)error"} ran RE2 on every
   * line). Only the pieces of the literals without {@code k}, {@code s} or non-ASCII letters are
   * searched ({@link FoldedTerms#caseInsensitivePieces}): RE2 folds those with characters of another
   * byte length, which an ASCII comparison would miss; the other bytes fold only within ASCII.
   */
  private static LinePredicate withCaseInsensitivePrecheck(List<String> literals, LinePredicate chain) {
    List<byte[]> pieces = new ArrayList<>();
    for (String literal : literals) {
      pieces.addAll(FoldedTerms.caseInsensitivePieces(literal.getBytes(StandardCharsets.UTF_8)));
    }
    if (pieces.isEmpty()) {
      return chain;
    }
    byte[][] lowered = new byte[pieces.size()][];
    for (int i = 0; i < lowered.length; i++) {
      lowered[i] = new byte[pieces.get(i).length];
      FoldedTerms.fold(pieces.get(i), 0, lowered[i].length, lowered[i]);
    }
    return (buffer, offset, length) -> {
      for (byte[] piece : lowered) {
        if (!containsIgnoringAsciiCase(buffer, offset, length, piece)) {
          return false;
        }
      }
      return chain.test(buffer, offset, length);
    };
  }

  /** Whether the line holds {@code lowered} (ASCII letters already lowercased) up to ASCII case. */
  static boolean containsIgnoringAsciiCase(byte[] buffer, int offset, int length, byte[] lowered) {
    int last = offset + length - lowered.length;
    byte first = lowered[0];
    for (int i = offset; i <= last; i++) {
      if (asciiLower(buffer[i]) != first) {
        continue;
      }
      int j = 1;
      while (j < lowered.length && asciiLower(buffer[i + j]) == lowered[j]) {
        j++;
      }
      if (j == lowered.length) {
        return true;
      }
    }
    return false;
  }

  private static byte asciiLower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }

  /**
   * The literal with ASCII letters lowercased, so that alternatives differing only in case share
   * it; the store's folded probes lowercase ASCII letters anyway, and only those.
   */
  private static String asciiLowercase(String literal) {
    char[] chars = literal.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'A' && chars[i] <= 'Z') {
        chars[i] = (char) (chars[i] + ('a' - 'A'));
      }
    }
    return new String(chars);
  }

  private static LinePredicate compileFilter(LineFilter filter) throws QueryException, LogqlParseException {
    Term[] terms = new Term[filter.alternatives().size()];
    for (int i = 0; i < terms.length; i++) {
      terms[i] = compileTerm(filter, filter.alternatives().get(i));
    }
    boolean negated = filter.operator().negated();
    if (terms.length == 1) {
      Term only = terms[0];
      return negated ? (buffer, offset, length) -> !only.foundIn(buffer, offset, length) : only::foundIn;
    }
    // With alternatives, a positive filter keeps lines matching any term, a negated one lines matching none.
    return (buffer, offset, length) -> {
      for (Term term : terms) {
        if (term.foundIn(buffer, offset, length)) {
          return !negated;
        }
      }
      return negated;
    };
  }

  private static Term compileTerm(LineFilter filter, LineFilterTerm term) throws QueryException, LogqlParseException {
    return switch (term) {
      case LineFilterTerm.Ip ip -> throw new QueryException(400, "line filter " + filter.operator().operator() + " ip(\"" + ip.range() + "\") is not supported yet");
      case LineFilterTerm.Text text ->
          switch (filter.operator()) {
            case CONTAINS, NOT_CONTAINS -> new LiteralSearch(text.value())::foundIn;
            case MATCHES_REGEX, NOT_MATCHES_REGEX -> regexTerm(LogqlRegex.lineFilterPattern(text.value()));
            case MATCHES_PATTERN, NOT_MATCHES_PATTERN ->
                throw new QueryException(400, "pattern line filter " + filter.operator().operator() + " is not supported yet");
          };
    };
  }

  private static Term regexTerm(Pattern pattern) {
    return (buffer, offset, length) -> {
      // RE2/J reads UTF-8 from a whole array only, so a line inside a larger buffer is copied out.
      byte[] line = offset == 0 && length == buffer.length ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
      return pattern.matcher(line).find();
    };
  }
}
