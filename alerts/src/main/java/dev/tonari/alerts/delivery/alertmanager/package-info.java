/** The Alertmanager v2 client: postable alerts per tenant, batched, queued and retried. */
package dev.tonari.alerts.delivery.alertmanager;
