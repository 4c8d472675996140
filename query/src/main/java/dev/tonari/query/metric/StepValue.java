package dev.tonari.query.metric;

/** The value of a sub-expression over the whole grid: a vector per step, or a scalar per step. */
sealed interface StepValue permits StepMatrix, StepScalars {}
