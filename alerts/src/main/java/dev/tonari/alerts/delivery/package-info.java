/**
 * Delivery of the ruler's alerts: {@link dev.tonari.alerts.delivery.AlertFanout} hands them to the
 * Alertmanager client ({@code alertmanager}) and to the built-in notifier ({@code notify}), which
 * routes, groups and silences like Alertmanager from each tenant's config ({@code config},
 * {@code silence}) and posts Slack, Google Chat and webhook messages ({@code receiver}) through an
 * on-disk outbox.
 */
package dev.tonari.alerts.delivery;
