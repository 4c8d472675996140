// Tiny DOM helpers: every text goes through textContent, never innerHTML, so log lines and label
// values cannot inject markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

export function loading(text = 'Loading...') {
  return h('p', { class: 'muted', role: 'status' }, text);
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error && error.message ? error.message : String(error));
}

export function percent(ratio, digits = 2) {
  return ratio === null || ratio === undefined || Number.isNaN(ratio) ? 'no data' : (ratio * 100).toFixed(digits) + '%';
}
