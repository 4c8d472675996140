/**
 * Multi-window multi-burn-rate conditions of SLOs: the tiers ({@code BurnRateTiers}), their
 * evaluation over minute rollups ({@code BurnRateCondition}), the state machine with Prometheus'
 * {@code for} semantics ({@code BurnRateConditions}, {@code ConditionState},
 * {@code StateTransition}) and the Prometheus alert rules Sloth would generate
 * ({@code SloAlertRules}). No delivery: the ruler and notifiers consume states and transitions.
 */
package dev.tonari.slo.alert;
