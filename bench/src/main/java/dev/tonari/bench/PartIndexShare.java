package dev.tonari.bench;

import dev.tonari.store.part.PartReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How many bytes of a data directory's parts are block filters (the needle index). */
final class PartIndexShare {
  private PartIndexShare() {}

  /** {part bytes, filter bytes, parts, blocks, token filter bytes, substring filter bytes, folded filter bytes}. */
  static long[] of(Path dataDir) throws IOException {
    long[] totals = new long[7];
    List<Path> parts;
    try (var walk = Files.walk(dataDir)) {
      parts = walk.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
    for (Path part : parts) {
      try (FileChannel channel = FileChannel.open(part)) {
        PartReader reader = PartReader.open(part.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
        long[] filters = reader.filterBytes();
        totals[0] += channel.size();
        totals[1] += filters[0];
        totals[2]++;
        totals[3] += filters[3];
        totals[4] += filters[1];
        totals[5] += filters[2];
        totals[6] += filters[4];
      }
    }
    return totals;
  }
}
