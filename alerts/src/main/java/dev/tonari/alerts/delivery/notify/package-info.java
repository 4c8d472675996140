/** The built-in notifier: aggregation groups, the notification log, the outbox and its dead letters. */
package dev.tonari.alerts.delivery.notify;
