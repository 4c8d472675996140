package dev.tonari.slo.budget;

import java.util.OptionalDouble;

/**
 * The remaining budget at the start and at the end of one ISO week, for the weekly report: how much
 * of the budget the week spent (or gave back, as old bad minutes leave a rolling window).
 *
 * @param week {@code [Monday 00:00, next Monday 00:00)} in the report's zone
 * @param remainingAtStart the remaining budget of the window ending at the week's start
 * @param remainingAtEnd the remaining budget of the window ending at the week's end; for a calendar
 *     window, of the period holding the week's last minute (so a week ending on the 1st shows the
 *     month that just ended, not the empty new one)
 */
public record WeekBudget(WindowBounds week, OptionalDouble remainingAtStart, OptionalDouble remainingAtEnd) {}
