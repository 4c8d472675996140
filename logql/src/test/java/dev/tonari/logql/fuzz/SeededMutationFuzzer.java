package dev.tonari.logql.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A seeded mutation fuzzer over valid seed inputs: each input is a seed with one to eight stacked
 * mutations (byte flips, random bytes, deletions, duplications, splices with another seed,
 * truncations and insertions of dictionary tokens). Every run with the same seed sees the same
 * inputs, so a failure reproduces from its printed seed and index.
 *
 * <p>The target runs on a worker thread watched by the caller's: an input that throws anything but
 * the declared exception fails the run with the input; one that runs longer than the per-input
 * bound fails it as a hang, with the input and the worker's stack (the worker, a daemon, is left
 * behind: a loop in the target cannot be stopped from outside).
 *
 * <p>Sizes come from system properties so that the default build runs a short form and the
 * {@code -Pfuzz} profile a long one: {@code tonari.fuzz.inputs} (default {@link #DEFAULT_INPUTS}),
 * {@code tonari.fuzz.seed} and {@code tonari.fuzz.per_input_millis}.
 */
public final class SeededMutationFuzzer {
  public static final long DEFAULT_INPUTS = 20_000;

  /** The code under test, given one input. */
  @FunctionalInterface
  public interface Target {
    void accept(byte[] input) throws Exception;
  }

  /** What a finished run did: inputs tried, how many the target accepted, how many it refused with the declared exception. */
  public record Report(String name, long seed, long inputs, long accepted, long refused, Duration took) {
    @Override
    public String toString() {
      return name + ": " + inputs + " inputs (seed " + seed + ") in " + took.toMillis() + " ms, " + accepted + " accepted, " + refused
          + " refused with the declared exception, no other exception, no hang";
    }
  }

  private final List<byte[]> seeds;
  private final List<byte[]> dictionary;

  /**
   * @param seeds valid inputs to mutate
   * @param dictionary tokens of the input language, inserted by one of the mutations
   */
  public SeededMutationFuzzer(List<byte[]> seeds, List<String> dictionary) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("a mutation fuzzer needs at least one seed");
    }
    this.seeds = List.copyOf(seeds);
    this.dictionary = dictionary.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
  }

  public static long inputs() {
    return Long.getLong("tonari.fuzz.inputs", DEFAULT_INPUTS);
  }

  public static long seed(long fallback) {
    return Long.getLong("tonari.fuzz.seed", fallback);
  }

  public static Duration perInputBound() {
    // Generous: the machine running the build may be loaded many times over; a real hang runs for ever.
    return Duration.ofMillis(Long.getLong("tonari.fuzz.per_input_millis", 20_000));
  }

  /** The input number {@code index} of the run with {@code seed}: the same bytes every time. */
  public byte[] input(long seed, long index) {
    SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    byte[] input = seeds.get(random.nextInt(seeds.size()));
    int mutations = 1 + random.nextInt(8);
    for (int i = 0; i < mutations; i++) {
      input = mutate(input, random);
    }
    return input;
  }

  private byte[] mutate(byte[] input, SplittableRandom random) {
    int length = input.length;
    int at = length == 0 ? 0 : random.nextInt(length + 1);
    return switch (random.nextInt(8)) {
      case 0 -> {
        if (length == 0) {
          yield new byte[] {(byte) random.nextInt(256)};
        }
        byte[] flipped = input.clone();
        flipped[Math.min(at, length - 1)] ^= (byte) (1 << random.nextInt(8));
        yield flipped;
      }
      case 1 -> insert(input, at, new byte[] {(byte) random.nextInt(256)});
      case 2 -> {
        int count = Math.min(length - at, 1 + random.nextInt(16));
        byte[] shorter = new byte[length - count];
        System.arraycopy(input, 0, shorter, 0, at);
        System.arraycopy(input, at + count, shorter, at, length - at - count);
        yield shorter;
      }
      case 3 -> {
        int count = Math.min(length - at, 1 + random.nextInt(32));
        yield insert(input, at, Arrays.copyOfRange(input, at, at + count));
      }
      case 4 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        byte[] spliced = Arrays.copyOf(input, at + other.length - from);
        System.arraycopy(other, from, spliced, at, other.length - from);
        yield spliced;
      }
      case 5 -> Arrays.copyOf(input, at);
      case 6 -> {
        byte[] replaced = input.clone();
        if (length > 0) {
          replaced[Math.min(at, length - 1)] = (byte) new byte[] {0, -1, 0x7F, (byte) 0x80, '"', '\\', '{', '}'}[random.nextInt(8)];
        }
        yield replaced;
      }
      default -> dictionary.isEmpty() ? input : insert(input, at, dictionary.get(random.nextInt(dictionary.size())));
    };
  }

  private static byte[] insert(byte[] input, int at, byte[] inserted) {
    byte[] longer = new byte[input.length + inserted.length];
    System.arraycopy(input, 0, longer, 0, at);
    System.arraycopy(inserted, 0, longer, at, inserted.length);
    System.arraycopy(input, at, longer, at + inserted.length, input.length - at);
    return longer;
  }

  /**
   * Runs {@code count} inputs through {@code target}.
   *
   * @param declared the exceptions the target may throw (its contract's refusal)
   * @throws AssertionError with the seed, the index and the input when an input throws anything
   *     else or runs past {@code perInput}
   */
  public Report run(String name, long seed, long count, Duration perInput, Predicate<Throwable> declared, Target target)
      throws InterruptedException {
    AtomicLong started = new AtomicLong(System.nanoTime());
    AtomicLong index = new AtomicLong(-1);
    AtomicReference<byte[]> current = new AtomicReference<>();
    AtomicReference<AssertionError> failure = new AtomicReference<>();
    long[] tally = new long[2];
    long begin = System.nanoTime();
    Thread worker = new Thread(() -> {
      for (long i = 0; i < count; i++) {
        byte[] input = input(seed, i);
        current.set(input);
        index.set(i);
        started.set(System.nanoTime());
        try {
          target.accept(input);
          tally[0]++;
        } catch (Throwable thrown) {
          if (declared.test(thrown)) {
            tally[1]++;
          } else {
            failure.set(new AssertionError(name + ": input " + i + " of seed " + seed + " threw " + thrown + "\n" + describe(input), thrown));
            return;
          }
        }
      }
    }, name + "-fuzz-worker");
    worker.setDaemon(true);
    worker.start();
    long boundNanos = perInput.toNanos();
    while (worker.isAlive()) {
      worker.join(50);
      long running = System.nanoTime() - started.get();
      if (worker.isAlive() && running > boundNanos) {
        byte[] input = current.get();
        AssertionError hang = new AssertionError(name + ": input " + index.get() + " of seed " + seed + " ran for more than " + perInput.toMillis()
            + " ms (a hang)\n" + describe(input));
        hang.setStackTrace(worker.getStackTrace());
        throw hang;
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new Report(name, seed, count, tally[0], tally[1], Duration.ofNanos(System.nanoTime() - begin));
  }

  /** The input as text (when it is mostly printable) and as hex, to paste into a regression test. */
  public static String describe(byte[] input) {
    String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 4096));
    return "input (" + input.length + " bytes): " + new String(input, StandardCharsets.UTF_8).replace("\n", "\\n") + "\nhex: " + hex
        + (input.length > 4096 ? "..." : "");
  }

  /** Seeds from texts. */
  public static List<byte[]> utf8(List<String> texts) {
    List<byte[]> bytes = new ArrayList<>(texts.size());
    for (String text : texts) {
      bytes.add(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes;
  }
}
