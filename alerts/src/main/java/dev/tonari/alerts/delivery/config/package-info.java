/** Per-tenant notification configs in Alertmanager's format: routes, receivers, inline templates; their store and lint. */
package dev.tonari.alerts.delivery.config;
