/**
 * What the ruler hands on: alerts to send ({@link dev.tonari.rules.alert.OutgoingAlert} to an
 * {@link dev.tonari.rules.alert.AlertSink}) and state changes to keep ({@link
 * dev.tonari.rules.alert.AlertTransition} to a {@link dev.tonari.rules.alert.TransitionListener}).
 * The {@code alerts} module implements both.
 */
package dev.tonari.rules.alert;
