package dev.tonari.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds strings that every match of an RE2 regular expression contains, so that a {@code |~}
 * filter can skip blocks by their bloom filters as a {@code |=} filter does. {@code
 * error.*timeout} gives {@code error} and {@code timeout}; {@code (GET|POST) /api} gives {@code
 * " /api"}; {@code (?i)error} gives nothing.
 *
 * <p>The contract is one-sided: a returned string occurs in every string the regex matches
 * anywhere in (a false exclusion would lose lines), while returning nothing is always allowed.
 * So the extractor is conservative: it reads the regex text itself (RE2/J does not expose its
 * syntax tree) and knows literals, escapes, {@code \Q...\E}, groups, concatenation, alternation
 * (the strings common to all branches), and repetition ({@code +} and {@code {n,}} with n >= 1
 * keep the operand's strings, {@code *}, {@code ?} and {@code {0,...}} drop them). Character
 * classes, {@code .}, Perl and Unicode classes and assertions contribute nothing and split the
 * literal runs around them. Case-insensitive flags anywhere, and anything it does not
 * recognise, make it give up and return nothing.
 *
 * <p>{@link #caseInsensitiveLiterals} reads a regex with case-insensitive flags the same way, as
 * if the whole regex ignored case: a string it returns occurs in every match up to case, which
 * the store's case-folded filters can probe ({@code (?i)error} gives {@code error}).
 */
public final class RegexLiterals {
  private final String regex;
  /** The flags a flag group may set without changing which literals are required. */
  private final String harmlessFlags;
  private final boolean ignoringCase;
  private int position;

  private RegexLiterals(String regex, boolean ignoringCase) {
    this.regex = regex;
    this.ignoringCase = ignoringCase;
    this.harmlessFlags = ignoringCase ? "imsU-" : "smU-";
  }

  /** What is known of the strings a piece of the regex matches. */
  private record Facts(String exact, Set<String> required) {
    static final Facts NOTHING = new Facts(null, Set.of());

    static Facts exactly(String text) {
      return new Facts(text, text.isEmpty() ? Set.of() : Set.of(text));
    }

    /** The same strings are still required, but the piece no longer matches one exact text. */
    Facts inexact() {
      return new Facts(null, required);
    }
  }

  /**
   * The facts of a piece matching exactly this text; read ignoring case, its ASCII letters are
   * lowercased, so that branches differing only in case share their strings (the store's folded
   * probes lowercase ASCII letters anyway).
   */
  private Facts exactly(String text) {
    if (!ignoringCase) {
      return Facts.exactly(text);
    }
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'A' && chars[i] <= 'Z') {
        chars[i] = (char) (chars[i] + ('a' - 'A'));
      }
    }
    return Facts.exactly(new String(chars));
  }

  /** Signals a construct the extractor does not understand; the answer is then "no literals". */
  private static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  /**
   * The strings every match of {@code regex} contains, longest first, none empty. The regex must
   * already have compiled with RE2/J; the result for an invalid one is empty.
   */
  public static List<String> requiredLiterals(String regex) {
    if (hasCaseInsensitiveFlag(regex)) {
      return List.of();
    }
    return literals(regex, false);
  }

  /**
   * For a regex with a case-insensitive flag ({@code (?i)}, {@code (?i:...)}, also when turned off
   * again), the strings every match contains up to case, longest first, ASCII letters lowercased;
   * empty for a regex without
   * one (its {@link #requiredLiterals} are exact) and for one it does not understand. Up to case
   * means as RE2 folds case, which for a few letters ({@code k}, {@code s}, non-ASCII ones) also
   * admits characters of another byte length; the store's probes allow for that.
   */
  public static List<String> caseInsensitiveLiterals(String regex) {
    if (!hasCaseInsensitiveFlag(regex)) {
      return List.of();
    }
    // Read as if every literal ignored case: a string required exactly is also required up to case.
    return literals(regex, true);
  }

  private static List<String> literals(String regex, boolean ignoringCase) {
    RegexLiterals parser = new RegexLiterals(regex, ignoringCase);
    Facts facts;
    try {
      facts = parser.alternation();
      if (parser.position != regex.length()) {
        return List.of();
      }
    } catch (Unsupported | RuntimeException notUnderstood) {
      // Never a reason to fail a query: without literals the store simply reads every block.
      return List.of();
    }
    List<String> literals = new ArrayList<>(facts.required());
    literals.removeIf(String::isEmpty);
    literals.sort((a, b) -> a.length() != b.length() ? Integer.compare(b.length(), a.length()) : a.compareTo(b));
    return literals;
  }

  /** A flag group that turns on {@code i}; conservatively also true when it appears inside a class or after {@code \Q}. */
  private static boolean hasCaseInsensitiveFlag(String regex) {
    int from = 0;
    while (true) {
      int group = regex.indexOf("(?", from);
      if (group < 0) {
        return false;
      }
      int i = group + 2;
      while (i < regex.length() && regex.charAt(i) != ')' && regex.charAt(i) != ':') {
        if (regex.charAt(i) == 'i') {
          return true;
        }
        if (regex.charAt(i) == 'P' || regex.charAt(i) == '<') {
          break;
        }
        i++;
      }
      from = group + 2;
    }
  }

  private Facts alternation() throws Unsupported {
    Facts facts = concatenation();
    while (position < regex.length() && regex.charAt(position) == '|') {
      position++;
      Facts branch = concatenation();
      // A string one branch requires is required by the other too when one of its strings contains it.
      Set<String> common = new LinkedHashSet<>();
      addContainedIn(facts.required(), branch.required(), common);
      addContainedIn(branch.required(), facts.required(), common);
      String exact = facts.exact() != null && facts.exact().equals(branch.exact()) ? facts.exact() : null;
      facts = new Facts(exact, common);
    }
    return facts;
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

  /** A sequence of atoms: adjacent exact pieces join into one run, and every piece's required strings stay required. */
  private Facts concatenation() throws Unsupported {
    Set<String> required = new LinkedHashSet<>();
    StringBuilder run = new StringBuilder();
    boolean allExact = true;
    while (position < regex.length() && regex.charAt(position) != '|' && regex.charAt(position) != ')') {
      Facts atom = atom();
      while (true) {
        // A flag group is no atom: a quantifier after it applies to the atom before it, even one already repeated.
        while (regex.startsWith("(?", position) && isFlagGroup(position)) {
          position = regex.indexOf(')', position) + 1;
        }
        Facts repeated = quantified(atom);
        if (repeated == null) {
          break;
        }
        atom = repeated;
      }
      if (atom.exact() != null) {
        run.append(atom.exact());
      } else {
        allExact = false;
        if (!run.isEmpty()) {
          required.add(run.toString());
          run.setLength(0);
        }
        required.addAll(atom.required());
      }
    }
    if (!run.isEmpty()) {
      required.add(run.toString());
    }
    return new Facts(allExact ? run.toString() : null, required);
  }

  /** {@code (?flags)} without a colon: it sets flags for the rest of the group and matches nothing. */
  private boolean isFlagGroup(int at) {
    int i = at + 2;
    while (i < regex.length() && harmlessFlags.indexOf(regex.charAt(i)) >= 0) {
      i++;
    }
    return i < regex.length() && regex.charAt(i) == ')';
  }

  /** The facts of the atom under the quantifier at the position; null (nothing consumed) when there is none. */
  private Facts quantified(Facts atom) {
    if (position >= regex.length()) {
      return null;
    }
    char c = regex.charAt(position);
    Facts result;
    if (c == '*' || c == '?') {
      position++;
      result = Facts.NOTHING;
    } else if (c == '+') {
      position++;
      result = atom.inexact();
    } else if (c == '{') {
      int[] bounds = repetition();
      if (bounds == null) {
        return null;
      }
      if (bounds[0] == 0) {
        result = Facts.NOTHING;
      } else if (bounds[0] == 1 && bounds[1] == 1) {
        result = atom;
      } else {
        result = atom.inexact();
      }
    } else {
      return null;
    }
    if (position < regex.length() && regex.charAt(position) == '?') {
      // A lazy quantifier matches the same strings, only prefers fewer repetitions.
      position++;
    }
    return result;
  }

  /** Parses {@code {n}}, {@code {n,}} or {@code {n,m}} at the position; null (position unchanged) when the brace is a literal. */
  private int[] repetition() {
    int start = position;
    int i = position + 1;
    int minStart = i;
    while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
      i++;
    }
    if (i == minStart || i >= regex.length()) {
      return null;
    }
    int minimum = Integer.parseInt(regex.substring(minStart, Math.min(i, minStart + 9)));
    int maximum = minimum;
    if (regex.charAt(i) == ',') {
      i++;
      int maxStart = i;
      while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
        i++;
      }
      maximum = i == maxStart ? -1 : Integer.parseInt(regex.substring(maxStart, Math.min(i, maxStart + 9)));
    }
    if (i >= regex.length() || regex.charAt(i) != '}') {
      position = start;
      return null;
    }
    position = i + 1;
    return new int[] {minimum, maximum};
  }

  private Facts atom() throws Unsupported {
    char c = regex.charAt(position);
    switch (c) {
      case '(' -> {
        return group();
      }
      case '[' -> {
        skipClass();
        return Facts.NOTHING;
      }
      case '.', '^', '$' -> {
        position++;
        return Facts.NOTHING;
      }
      case '\\' -> {
        return escape();
      }
      case '*', '+', '?' -> throw new Unsupported();
      case '{' -> {
        // A brace that does not start a repetition is a literal in RE2.
        position++;
        return exactly("{");
      }
      default -> {
        int codePoint = regex.codePointAt(position);
        position += Character.charCount(codePoint);
        return exactly(new String(Character.toChars(codePoint)));
      }
    }
  }

  private Facts group() throws Unsupported {
    position++;
    if (regex.startsWith("?", position)) {
      position++;
      if (regex.startsWith("P<", position) || regex.startsWith("<", position)) {
        int close = regex.indexOf('>', position);
        if (close < 0) {
          throw new Unsupported();
        }
        position = close + 1;
      } else {
        // Flags other than i (checked before parsing, or read as ignoring case throughout) change
        // no literal: s, m, U and their negations.
        while (position < regex.length() && harmlessFlags.indexOf(regex.charAt(position)) >= 0) {
          position++;
        }
        if (position >= regex.length()) {
          throw new Unsupported();
        }
        if (regex.charAt(position) == ')') {
          position++;
          return exactly("");
        }
        if (regex.charAt(position) != ':') {
          throw new Unsupported();
        }
        position++;
      }
    }
    Facts inner = alternation();
    if (position >= regex.length() || regex.charAt(position) != ')') {
      throw new Unsupported();
    }
    position++;
    return inner;
  }

  /** Skips a bracketed class, including {@code [:alpha:]} items, escapes and a leading {@code ]}. */
  private void skipClass() throws Unsupported {
    position++;
    if (position < regex.length() && regex.charAt(position) == '^') {
      position++;
    }
    if (position < regex.length() && regex.charAt(position) == ']') {
      position++;
    }
    while (position < regex.length()) {
      char c = regex.charAt(position);
      if (c == ']') {
        position++;
        return;
      }
      if (c == '\\') {
        escape();
      } else if (c == '[' && regex.startsWith("[:", position)) {
        int close = regex.indexOf(":]", position + 2);
        if (close < 0) {
          throw new Unsupported();
        }
        position = close + 2;
      } else {
        position++;
      }
    }
    throw new Unsupported();
  }

  private Facts escape() throws Unsupported {
    position++;
    if (position >= regex.length()) {
      throw new Unsupported();
    }
    char c = regex.charAt(position++);
    switch (c) {
      case 'd', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'A', 'z', 'C' -> {
        return Facts.NOTHING;
      }
      case 'p', 'P' -> {
        if (position < regex.length() && regex.charAt(position) == '{') {
          int close = regex.indexOf('}', position);
          if (close < 0) {
            throw new Unsupported();
          }
          position = close + 1;
        } else {
          position++;
        }
        return Facts.NOTHING;
      }
      case 'Q' -> {
        int end = regex.indexOf("\\E", position);
        String quoted = end < 0 ? regex.substring(position) : regex.substring(position, end);
        position = end < 0 ? regex.length() : end + 2;
        return exactly(quoted);
      }
      case 'E' -> {
        // A stray \E (no \Q before it) matches nothing in RE2's eyes.
        return exactly("");
      }
      case 'n' -> {
        return exactly("\n");
      }
      case 't' -> {
        return exactly("\t");
      }
      case 'r' -> {
        return exactly("\r");
      }
      case 'f' -> {
        return exactly("\f");
      }
      case 'v' -> {
        return exactly("\u000b");
      }
      case 'a' -> {
        return exactly("\u0007");
      }
      case 'x' -> {
        return exactly(new String(Character.toChars(hexEscape())));
      }
      default -> {
        if (c >= '0' && c <= '7') {
          // Octal escapes are rare; not worth the risk of reading them differently from RE2.
          throw new Unsupported();
        }
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
          return exactly(String.valueOf(c));
        }
        throw new Unsupported();
      }
    }
  }

  private int hexEscape() throws Unsupported {
    String digits;
    if (position < regex.length() && regex.charAt(position) == '{') {
      int close = regex.indexOf('}', position);
      if (close < 0) {
        throw new Unsupported();
      }
      digits = regex.substring(position + 1, close);
      position = close + 1;
    } else {
      if (position + 2 > regex.length()) {
        throw new Unsupported();
      }
      digits = regex.substring(position, position + 2);
      position += 2;
    }
    try {
      int codePoint = Integer.parseInt(digits, 16);
      if (!Character.isValidCodePoint(codePoint) || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
        throw new Unsupported();
      }
      return codePoint;
    } catch (NumberFormatException e) {
      throw new Unsupported();
    }
  }
}
