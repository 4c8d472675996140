// What the editor needs to know about LogQL: where the cursor is (inside a selector, after a
// pipe, at a function) for completion, and how a query is turned into its volume histogram.
export const FUNCTIONS = ['rate', 'count_over_time', 'bytes_rate', 'bytes_over_time', 'sum_over_time', 'avg_over_time', 'max_over_time',
  'min_over_time', 'quantile_over_time', 'stddev_over_time', 'first_over_time', 'last_over_time', 'absent_over_time', 'rate_counter',
  'sum', 'avg', 'min', 'max', 'count', 'topk', 'bottomk', 'stddev', 'stdvar', 'sort', 'sort_desc', 'label_replace', 'vector'];
export const STAGES = ['json', 'logfmt', 'pattern', 'regexp', 'unpack', 'line_format', 'label_format', 'unwrap', 'drop', 'keep', 'decolorize'];
export const FILTERS = ['|=', '!=', '|~', '!~', '|>', '!>'];

/** Which kind of word the cursor is in: {kind: 'label'|'value'|'stage'|'function', prefix, label?}. */
export function completionContext(text, cursor) {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf('{'), close = before.lastIndexOf('}');
  if (open > close) {
    const inside = before.slice(open + 1);
    const value = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/.exec(inside);
    if (value) return { kind: 'value', label: value[1], prefix: value[3] };
    const label = /(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(inside);
    if (label) return { kind: 'label', prefix: label[1] || '' };
    return null;
  }
  const stage = /\|\s*([a-z_]*)$/.exec(before);
  if (stage && close >= 0) return { kind: 'stage', prefix: stage[1] };
  const word = /(?:^|[\s(])([a-z_]+)$/.exec(before);
  if (word && close < 0) return { kind: 'function', prefix: word[1] };
  return null;
}

/** True for a metric query (anything that is not a bare log selector with a pipeline). */
export function isMetricQuery(query) {
  const trimmed = query.trim();
  return !trimmed.startsWith('{') || /\[\s*\$?[\w.]+\s*\]/.test(trimmed) || /^\s*vector\s*\(/.test(trimmed);
}

/** The volume of a log query by level: Grafana's and Drilldown's `sum by (detected_level) (count_over_time(...))`. */
export function volumeQuery(query, stepSeconds) {
  return 'sum by (detected_level) (count_over_time(' + query.trim() + ' [' + stepSeconds + 's]))';
}

/** The selector of a log query, for the context of one line: the stream's own labels. */
export function selectorOf(labels) {
  return '{' + Object.entries(labels).map(([k, v]) => k + '="' + String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(', ') + '}';
}

/** The column of a Loki parse error ("parse error at line 1, col 12: ..."), or null. */
export function errorPosition(message) {
  const match = /line (\d+), col (\d+)/.exec(message || '');
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

/** A level for colouring a line: detected_level or level label/metadata, else from the text. */
export function levelOf(labels, metadata, line) {
  const known = (metadata && (metadata.detected_level || metadata.level)) || (labels && (labels.detected_level || labels.level));
  if (known) return normalise(known);
  const match = /\b(ERROR|ERR|FATAL|CRIT(?:ICAL)?|WARN(?:ING)?|INFO|DEBUG|TRACE)\b/i.exec(line.slice(0, 200));
  return match ? normalise(match[1]) : 'unknown';
}

function normalise(level) {
  const l = String(level).toLowerCase();
  if (l.startsWith('err') || l === 'fatal' || l.startsWith('crit')) return 'error';
  if (l.startsWith('warn')) return 'warn';
  if (l === 'info' || l === 'information') return 'info';
  if (l === 'debug' || l === 'trace') return 'debug';
  return 'unknown';
}

/** Fields a person would want on expand: the JSON object's leaves, or logfmt pairs. */
export function parsedFields(line) {
  const fields = {};
  const text = line.trim();
  if (text.startsWith('{')) {
    try {
      const walk = (value, path) => {
        if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, path ? path + '_' + k : k);
        else fields[path] = Array.isArray(value) ? JSON.stringify(value) : String(value);
      };
      walk(JSON.parse(text), '');
      return fields;
    } catch (ignored) { /* not JSON: try logfmt */ }
  }
  const pair = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  let match;
  while ((match = pair.exec(text)) !== null) fields[match[1]] = match[2].startsWith('"') ? match[2].slice(1, -1).replace(/\\"/g, '"') : match[2];
  return fields;
}
