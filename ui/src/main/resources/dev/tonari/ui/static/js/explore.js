// Explore: a LogQL editor with completion, a time range, the volume histogram by level (drag to
// zoom), and the lines in a virtualised list with details and context; metric queries are drawn.
// The query and range live in the URL, so a link shows the same thing to a colleague.
import { api, currentTenant } from './api.js';
import { drawSeries, labelsText, matrixToSeries } from './chart.js';
import { clear, errorBox, h, loading } from './dom.js';
import { completionContext, errorPosition, FILTERS, FUNCTIONS, isMetricQuery, levelOf, parsedFields, selectorOf, STAGES, volumeQuery } from './logql.js';
import { formatTime, nanosToMillis, parseTime, RELATIVE, stepFor, toNanos } from './time.js';

const ROW_HEIGHT = 22;
const CATEGORIZE = { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };

export async function render(main, { params }) {
  const state = {
    query: params.get('query') || '',
    from: params.get('from') || 'now-1h',
    to: params.get('to') || 'now',
    limit: params.get('limit') || '1000',
    zone: params.get('tz') || 'browser',
    wrap: false, pretty: false,
  };
  const cleanups = [];
  const labelCache = { names: null, values: new Map() };

  const textarea = h('textarea', { id: 'query', 'aria-label': 'LogQL query', spellcheck: 'false', autocomplete: 'off', placeholder: '{app="checkout"} |= "error"' });
  textarea.value = state.query;
  const completions = h('ul', { class: 'completions', role: 'listbox', hidden: true, id: 'completions' });
  const errorLine = h('div', { class: 'error', role: 'alert', id: 'query-error' });
  const range = h('select', { id: 'range', 'aria-label': 'Time range' }, RELATIVE.map(([value, text]) => h('option', { value, selected: value === state.from && state.to === 'now' }, text)),
    h('option', { value: 'custom', selected: !RELATIVE.some(([v]) => v === state.from) || state.to !== 'now' }, 'Custom'));
  const fromInput = h('input', { id: 'from', 'aria-label': 'From', value: state.from, size: 22 });
  const toInput = h('input', { id: 'to', 'aria-label': 'To', value: state.to, size: 22 });
  const zone = h('select', { id: 'zone', 'aria-label': 'Time zone' }, h('option', { value: 'browser', selected: state.zone === 'browser' }, 'Browser time'), h('option', { value: 'UTC', selected: state.zone === 'UTC' }, 'UTC'));
  const limit = h('select', { id: 'limit', 'aria-label': 'Line limit' }, ['100', '1000', '5000'].map(v => h('option', { value: v, selected: v === state.limit }, v + ' lines')));
  const run = h('button', { class: 'primary', type: 'button', id: 'run', title: 'Run (Ctrl+Enter)' }, 'Run query');
  const wrap = h('input', { type: 'checkbox', id: 'wrap' });
  const pretty = h('input', { type: 'checkbox', id: 'pretty' });
  const download = h('button', { type: 'button', id: 'download', disabled: true }, 'Download JSON lines');
  const histogram = h('div', { class: 'histogram', id: 'histogram', 'aria-label': 'Log volume by level' });
  const status = h('p', { class: 'muted', id: 'status', role: 'status' });
  const results = h('div', { class: 'results', id: 'results', tabindex: '0', role: 'listbox', 'aria-label': 'Log lines' });
  const detail = h('aside', { class: 'detail', id: 'detail', hidden: true, 'aria-label': 'Line details' });
  const layout = h('div', { class: 'layout' }, results, detail);

  main.append(h('h1', { class: 'visually-hidden' }, 'Explore'),
    h('div', { class: 'row' }, h('div', { class: 'editor' }, textarea, completions), run),
    errorLine,
    h('div', { class: 'row' }, range, fromInput, toInput, zone, limit,
      h('label', {}, wrap, ' Wrap lines'), h('label', {}, pretty, ' Prettify JSON'), download),
    histogram, status, layout);

  let entries = [];
  const list = virtualList(results, entry => showDetail(entry));
  cleanups.push(() => list.destroy());

  range.onchange = () => { if (range.value !== 'custom') { fromInput.value = range.value; toInput.value = 'now'; execute(); } };
  fromInput.onchange = toInput.onchange = () => { range.value = 'custom'; };
  zone.onchange = () => { state.zone = zone.value; list.refresh(); execute(); };
  limit.onchange = () => execute();
  wrap.onchange = () => results.classList.toggle('wrap', wrap.checked);
  pretty.onchange = () => { state.pretty = pretty.checked; if (list.selected()) showDetail(list.selected()); };
  run.onclick = () => execute();
  download.onclick = () => {
    const text = entries.map(e => JSON.stringify({ timestamp: e.ts, line: e.line, labels: e.labels, structuredMetadata: e.metadata })).join('\n') + '\n';
    const link = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })), download: 'tonari-' + currentTenant() + '.jsonl' });
    document.body.append(link); link.click(); link.remove();
  };

  // Completion of label names and values, parsers and functions, from the API.
  let choices = [], chosen = 0;
  async function complete() {
    const context = completionContext(textarea.value, textarea.selectionStart);
    if (!context) { completions.hidden = true; return; }
    let words = [];
    try {
      if (context.kind === 'label') {
        labelCache.names ??= (await api('/loki/api/v1/labels?since=6h')).data || [];
        words = labelCache.names;
      } else if (context.kind === 'value') {
        if (!labelCache.values.has(context.label)) labelCache.values.set(context.label, (await api('/loki/api/v1/label/' + encodeURIComponent(context.label) + '/values?since=6h')).data || []);
        words = labelCache.values.get(context.label);
      } else if (context.kind === 'stage') {
        words = [...STAGES, ...FILTERS];
      } else {
        words = FUNCTIONS;
      }
    } catch (e) { words = []; }
    choices = words.filter(w => w.startsWith(context.prefix) && w !== context.prefix).slice(0, 50).map(w => ({ word: w, prefix: context.prefix }));
    chosen = 0;
    clear(completions);
    choices.forEach((c, i) => completions.append(h('li', { role: 'option', 'aria-selected': i === 0 ? 'true' : 'false', onmousedown: event => { event.preventDefault(); accept(i); } }, c.word)));
    completions.hidden = choices.length === 0;
  }
  function accept(i) {
    const choice = choices[i];
    const at = textarea.selectionStart;
    textarea.setRangeText(choice.word.slice(choice.prefix.length), at, at, 'end');
    completions.hidden = true;
    textarea.focus();
  }
  textarea.addEventListener('input', complete);
  textarea.addEventListener('keydown', event => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') { event.preventDefault(); completions.hidden = true; execute(); return; }
    if (completions.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      chosen = (chosen + (event.key === 'ArrowDown' ? 1 : choices.length - 1)) % choices.length;
      [...completions.children].forEach((li, i) => li.setAttribute('aria-selected', i === chosen ? 'true' : 'false'));
    } else if (event.key === 'Tab' || event.key === 'Enter') { event.preventDefault(); accept(chosen); } else if (event.key === 'Escape') { completions.hidden = true; }
  });
  // Hidden a moment after the editor loses focus (a click on a suggestion lands first), unless it has it again.
  textarea.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== textarea) completions.hidden = true; }, 150));

  function showError(message) {
    clear(errorLine);
    const position = errorPosition(message);
    if (position) {
      const lineText = textarea.value.split('\n')[position.line - 1] || '';
      errorLine.append(h('pre', {}, lineText + '\n' + ' '.repeat(Math.max(0, position.column - 1)) + '^'));
    }
    errorLine.append(message);
  }

  async function defaultQuery() {
    try {
      const names = (await api('/loki/api/v1/labels?since=24h')).data || [];
      const label = ['service_name', 'app', 'job'].find(n => names.includes(n)) || names[0];
      if (!label) return '';
      const values = (await api('/loki/api/v1/label/' + encodeURIComponent(label) + '/values?since=24h')).data || [];
      return values.length ? '{' + label + '="' + values[0] + '"}' : '';
    } catch (e) { return ''; }
  }

  let generation = 0;
  async function execute() {
    const mine = ++generation;
    clear(errorLine);
    let from, to;
    try {
      from = parseTime(fromInput.value); to = parseTime(toInput.value);
      if (from >= to) throw new Error('The range starts after it ends: "from" must be before "to".');
    } catch (e) { showError(e.message); return; }
    state.query = textarea.value.trim();
    if (!state.query) { status.textContent = 'Type a query, for example {app="checkout"} |= "error", and press Ctrl+Enter.'; return; }
    const url = new URL(location.href);
    url.search = new URLSearchParams({ query: state.query, from: fromInput.value, to: toInput.value, limit: limit.value, ...(zone.value !== 'browser' ? { tz: zone.value } : {}) });
    history.replaceState(null, '', url);
    const step = stepFor(from, to);
    const base = 'start=' + toNanos(from) + '&end=' + toNanos(to);
    status.textContent = 'Running...';
    detail.hidden = true; layout.classList.remove('with-detail');
    cleanups.splice(1).forEach(c => c());
    const started = performance.now();
    if (isMetricQuery(state.query)) {
      list.set([]); entries = []; download.disabled = true;
      try {
        const answer = await api('/loki/api/v1/query_range?' + base + '&step=' + step + '&query=' + encodeURIComponent(state.query));
        if (mine !== generation) return;
        const series = answer.data.resultType === 'matrix' ? matrixToSeries(answer.data.result) : [];
        status.textContent = series.length + ' series in ' + Math.round(performance.now() - started) + ' ms';
        if (series.length) cleanups.push(drawSeries(histogram, series, { onZoom: zoom, height: 280, xRange: [from / 1000, to / 1000] }));
        else clear(histogram).append(h('p', { class: 'muted' }, 'No data in this range.'));
      } catch (e) { if (mine === generation) { status.textContent = ''; clear(histogram); showError(e.message); } }
      return;
    }
    clear(histogram).append(loading('Loading volume...'));
    const lines = api('/loki/api/v1/query_range?' + base + '&direction=backward&limit=' + limit.value + '&query=' + encodeURIComponent(state.query), { extraHeaders: CATEGORIZE });
    const volume = api('/loki/api/v1/query_range?' + base + '&step=' + step + '&query=' + encodeURIComponent(volumeQuery(state.query, step)));
    volume.catch(() => {}); // awaited below; marked handled so a failed line query does not leave it unobserved
    try {
      const answer = await lines;
      if (mine !== generation) return;
      entries = flatten(answer.data.result);
      list.set(entries);
      download.disabled = entries.length === 0;
      status.textContent = entries.length + (entries.length >= Number(limit.value) ? ' lines (the limit; narrow the range or raise it)' : ' lines') + ' in ' + Math.round(performance.now() - started) + ' ms';
    } catch (e) { if (mine === generation) { status.textContent = ''; list.set([]); showError(e.message); } }
    try {
      const answer = await volume;
      if (mine !== generation) return;
      const series = matrixToSeries(answer.data.result, metric => metric.detected_level || 'unknown');
      if (series.length) cleanups.push(drawSeries(histogram, series, { stacked: true, onZoom: zoom, height: 150, xRange: [from / 1000, to / 1000] }));
      else clear(histogram);
    } catch (e) { if (mine === generation) clear(histogram).append(h('p', { class: 'muted' }, 'No volume: ' + e.message)); }
  }

  function zoom(fromMillis, toMillis) {
    fromInput.value = new Date(fromMillis).toISOString(); toInput.value = new Date(toMillis).toISOString(); range.value = 'custom';
    execute();
  }

  function showDetail(entry) {
    layout.classList.add('with-detail');
    detail.hidden = false;
    clear(detail);
    let shown = entry.line;
    if (state.pretty) { try { shown = JSON.stringify(JSON.parse(entry.line), null, 2); } catch (ignored) { /* not JSON */ } }
    const table = (title, values) => Object.keys(values).length === 0 ? null : h('section', {}, h('h3', {}, title),
      h('table', { class: 'grid' }, h('tbody', {}, Object.entries(values).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))))));
    const context = h('div', { id: 'context' });
    detail.append(h('h2', {}, formatTime(entry.millis, state.zone)), h('pre', { id: 'detail-line' }, shown),
      table('Stream labels', entry.labels), table('Structured metadata', entry.metadata), table('Parsed fields', parsedFields(entry.line)),
      h('p', {}, h('button', { type: 'button', id: 'show-context', onclick: () => loadContext(entry, context) }, 'Show context'), ' ',
        h('button', { type: 'button', onclick: () => { detail.hidden = true; layout.classList.remove('with-detail'); results.focus(); } }, 'Close')), context);
  }

  async function loadContext(entry, target) {
    clear(target).append(loading());
    const selector = encodeURIComponent(selectorOf(entry.labels));
    const at = BigInt(entry.ts);
    try {
      const [before, after] = await Promise.all([
        api('/loki/api/v1/query_range?direction=backward&limit=10&start=' + (at - 3600n * 1000000000n) + '&end=' + at + '&query=' + selector),
        api('/loki/api/v1/query_range?direction=forward&limit=11&start=' + at + '&end=' + (at + 3600n * 1000000000n) + '&query=' + selector),
      ]);
      const lines = [...flatten(before.data.result).reverse(), ...flatten(after.data.result)];
      clear(target).append(h('h3', {}, 'Context in this stream'), h('pre', { class: 'context' }, lines.map(l =>
        (l.ts === entry.ts && l.line === entry.line ? '> ' : '  ') + formatTime(l.millis, state.zone) + '  ' + l.line).join('\n')));
    } catch (e) { clear(target).append(errorBox(e)); }
  }

  if (!state.query) { textarea.value = await defaultQuery(); }
  textarea.focus();
  execute();
  return () => cleanups.forEach(c => c());
}

function flatten(result) {
  const entries = [];
  for (const stream of result) {
    for (const value of stream.values) {
      const metadata = (value[2] && value[2].structuredMetadata) || {};
      entries.push({ ts: value[0], millis: nanosToMillis(value[0]), line: value[1], labels: stream.stream, metadata, level: levelOf(stream.stream, metadata, value[1]) });
    }
  }
  entries.sort((a, b) => (BigInt(b.ts) > BigInt(a.ts) ? 1 : BigInt(b.ts) < BigInt(a.ts) ? -1 : 0));
  return entries;
}

/** Renders only the rows in view (plus a margin), so 5,000 lines scroll as smoothly as 50. */
function virtualList(container, onSelect) {
  let items = [], selectedIndex = -1;
  const spacer = h('div', { class: 'spacer' });
  container.append(spacer);
  let zone = 'browser';
  function draw() {
    const top = container.scrollTop, height = container.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - 20), last = Math.min(items.length, Math.ceil((top + height) / ROW_HEIGHT) + 20);
    clear(spacer);
    spacer.style.height = items.length * ROW_HEIGHT + 'px';
    for (let i = first; i < last; i++) {
      const item = items[i];
      spacer.append(h('div', { class: 'line lvl-' + item.level, role: 'option', 'aria-selected': i === selectedIndex ? 'true' : 'false', 'data-index': i, style: 'top:' + i * ROW_HEIGHT + 'px', title: labelsText(item.labels),
        onclick: () => select(i) }, h('span', { class: 'ts' }, formatTime(item.millis, zone)), item.line));
    }
  }
  function select(i) { selectedIndex = i; draw(); onSelect(items[i]); }
  container.addEventListener('scroll', () => requestAnimationFrame(draw));
  container.addEventListener('keydown', event => {
    if (!items.length) return;
    if (event.key === 'ArrowDown' || event.key === 'j') { event.preventDefault(); select(Math.min(items.length - 1, selectedIndex + 1)); }
    else if (event.key === 'ArrowUp' || event.key === 'k') { event.preventDefault(); select(Math.max(0, selectedIndex - 1)); }
    else return;
    const row = selectedIndex * ROW_HEIGHT;
    if (row < container.scrollTop || row > container.scrollTop + container.clientHeight - ROW_HEIGHT) container.scrollTop = row - container.clientHeight / 2;
  });
  return {
    set(entries) { items = entries; selectedIndex = -1; container.scrollTop = 0; if (!entries.length) { clear(spacer); spacer.style.height = '0'; spacer.append(h('p', { class: 'muted', style: 'padding:8px' }, 'No lines in this range.')); } else draw(); },
    refresh() { zone = document.getElementById('zone')?.value || 'browser'; draw(); },
    selected() { return items[selectedIndex]; },
    destroy() { items = []; },
  };
}
