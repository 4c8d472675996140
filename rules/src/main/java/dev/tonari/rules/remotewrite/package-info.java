/**
 * Remote write of recording rules: {@link dev.tonari.rules.remotewrite.RemoteWriteSink} implements
 * {@link dev.tonari.rules.alert.SampleSink} with Prometheus' remote write 1.0 protocol, configured
 * by {@link dev.tonari.rules.remotewrite.RemoteWriteSettings} ({@code ruler.remote_write}, Loki's
 * keys).
 */
package dev.tonari.rules.remotewrite;
