package dev.tonari.slo.spec;

import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void show() {
    for (String name : new String[] {"sloth-getting-started.yml", "sloth-multifile.yml", "sloth-k8s-apiserver.yml", "sloth-raw-home-wifi.yml", "sloth-logql.yml", "openslo-calendar-timeslices.yaml", "openslo-threshold-ratio-timeslices.yaml"}) {
      System.out.println(name + " => " + new SloSpecParser().parse(SpecFiles.read(name), name));
    }
    System.out.println(new SloSpecParser().parseAll(java.util.List.of(java.util.Map.entry("a.yaml", SpecFiles.read("openslo-indicator-ref.yaml")), java.util.Map.entry("b.yaml", SpecFiles.read("openslo-alerting.yaml")))));
  }
}
