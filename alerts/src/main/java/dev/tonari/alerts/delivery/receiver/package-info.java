/** The messages each receiver type gets: Slack blocks, Google Chat cards, Alertmanager's webhook JSON. */
package dev.tonari.alerts.delivery.receiver;
