package dev.tonari.slo.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The same series as {@link SlothMetricsWriter}, for the Prometheus Java client's registry (the
 * 1.x client accepts Sloth's names with colons): the server registers one with
 * {@code registry.register(new SlothMetricsCollector(writer, inputs))}, and its /metrics then holds
 * the SLO series beside its own, in whatever format the scraper asks for. Read at scrape time.
 */
public final class SlothMetricsCollector implements MultiCollector {
  private final SlothMetricsWriter writer;
  private final Supplier<List<SlothMetricsInput>> inputs;

  /** @param inputs called at every scrape for the current inputs of every SLO series */
  public SlothMetricsCollector(SlothMetricsWriter writer, Supplier<List<SlothMetricsInput>> inputs) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricFamily> families = writer.families(inputs.get());
    List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
    for (MetricFamily family : families) {
      GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(family.name()).help(family.help());
      for (MetricFamily.Sample sample : family.samples()) {
        String[] names = new String[sample.labels().size()];
        String[] values = new String[names.length];
        int i = 0;
        for (Map.Entry<String, String> label : sample.labels().entrySet()) {
          names[i] = label.getKey();
          values[i++] = label.getValue();
        }
        gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of(names, values)).value(sample.value()).build());
      }
      snapshots.add(gauge.build());
    }
    return new MetricSnapshots(snapshots);
  }
}
