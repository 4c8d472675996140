/** Delivery, alert history and toil: what happens to the ruler's alerts. */
package dev.tonari.alerts;
