/**
 * The one internal model of an SLO that both spec forms (Sloth {@code prometheus/v1} and OpenSLO
 * {@code openslo/v1}) map to, and that the rollups, the budget maths, the burn-rate conditions and
 * the API read. Records only, no I/O; see {@code docs/slo.md} for the mapping from each form.
 */
package dev.tonari.slo.model;
