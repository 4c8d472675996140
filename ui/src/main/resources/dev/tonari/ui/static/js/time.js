// Time ranges as Grafana writes them: relative (now-1h) or absolute (an ISO date in the chosen
// time zone), turned into nanoseconds for the Loki API.
export const RELATIVE = [
  ['now-5m', 'Last 5 minutes'], ['now-15m', 'Last 15 minutes'], ['now-1h', 'Last hour'], ['now-6h', 'Last 6 hours'],
  ['now-24h', 'Last 24 hours'], ['now-7d', 'Last 7 days'], ['now-30d', 'Last 30 days'],
];
const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** Milliseconds since the epoch of 'now', 'now-1h' or an ISO date; throws with a message on anything else. */
export function parseTime(text, now = Date.now()) {
  const value = (text || '').trim();
  if (value === 'now') return now;
  const relative = /^now-(\d+)([smhdw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]];
  if (/^\d{10,19}$/.test(value)) return value.length > 13 ? Number(value.slice(0, 13)) : Number(value) * (value.length === 10 ? 1000 : 1);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new Error('"' + value + '" is not a time: use now, now-1h, now-7d or a date such as 2026-12-07T10:00:00Z');
  return parsed;
}

export function toNanos(milliseconds) { return String(BigInt(Math.round(milliseconds)) * 1000000n); }

export function nanosToMillis(nanos) { return Number(BigInt(nanos) / 1000000n); }

/** A step for about 100 points over the range, rounded to a friendly duration, in seconds. */
export function stepFor(fromMillis, toMillis, points = 100) {
  const raw = Math.max(1, (toMillis - fromMillis) / 1000 / points);
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  return steps.find(s => s >= raw) || Math.ceil(raw / 86400) * 86400;
}

export function formatTime(millis, zone) {
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false };
  if (zone && zone !== 'browser') options.timeZone = zone;
  return new Intl.DateTimeFormat('sv-SE', options).format(new Date(millis));
}
