package dev.tonari.rules.file;

/** Rule files and group bodies as Loki's ruler documentation shows them. */
final class LokiExamples {
  private LokiExamples() {}

  /** The alerting example of Loki's ruler docs: two groups, a block and a quoted expression, templated annotations. */
  static final String ALERTING_FILE = """
      groups:
        - name: should_fire
          rules:
            - alert: HighPercentageError
              expr: |
                sum(rate({app="foo", env="production"} |= "error" [5m])) by (job)
                  /
                sum(rate({app="foo", env="production"}[5m])) by (job)
                  > 0.05
              for: 10m
              labels:
                  severity: page
              annotations:
                  summary: High request latency
        - name: credentials_leak
          rules:
            - alert: http-credentials-leaked
              annotations:
                message: "{{ $labels.job }} is leaking http basic auth credentials."
              expr: 'sum by (cluster, job, pod) (count_over_time({namespace="prod"} |~ "http(s?)://(\\\\w+):(\\\\w+)@" [5m]) > 0)'
              for: 10m
              labels:
                severity: critical
      """;

  /** The recording example of Loki's ruler docs, as the single group {@code POST /loki/api/v1/rules/{namespace}} takes. */
  static final String RECORDING_GROUP = """
      name: NginxRules
      interval: 1m
      rules:
        - record: nginx:requests:rate1m
          expr: |
            sum(
              rate({container="nginx"}[1m])
            )
          labels:
            cluster: "us-central1"
      """;
}
