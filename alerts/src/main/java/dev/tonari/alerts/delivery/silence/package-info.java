/** Silences in Alertmanager's v2 shape, stored per tenant. */
package dev.tonari.alerts.delivery.silence;
