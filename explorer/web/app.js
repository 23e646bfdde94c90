// Tributary explorer: the page's only script. No framework, no library, nothing fetched but
// the explorer's own JSON API (docs/explorer.md §2). A small router reads location.pathname,
// asks the API, and builds the page; charts are inline SVG drawn here.
'use strict';

// ---------------------------------------------------------------------------------------------
// DOM helpers

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, kids) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

/** An HTML element: h('a', {href: '/'}, 'home'). */
const h = (tag, attrs, ...kids) => build(document.createElement(tag), attrs, kids);
/** An SVG element. */
const s = (tag, attrs, ...kids) => build(document.createElementNS(SVG_NS, tag), attrs, kids);

/** `x` if it is an array, else an empty one (optional parts of an answer). */
const list = (x) => (Array.isArray(x) ? x : []);

// ---------------------------------------------------------------------------------------------
// Amounts: decimal strings of wei, handled as BigInt only

function big(x) {
  try {
    return BigInt(x ?? 0);
  } catch {
    return 0n;
  }
}

/** `units` with `decimals` decimals, at most `places` shown, trailing zeros trimmed (floor). */
function formatUnits(units, decimals = 18, places = 6) {
  let v = big(units);
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let fraction = (v % base).toString().padStart(decimals, '0').slice(0, places).replace(/0+$/, '');
  let text = whole.toLocaleString('en-US') + (fraction ? '.' + fraction : '');
  if (v > 0n && whole === 0n && !fraction) text = '<0.' + '0'.repeat(places - 1) + '1';
  return (negative ? '-' : '') + text;
}

const isEth = (token) => !token || /^0x0{40}$/.test(token);

/** "1.25 ETH", or token units for an ERC-20 (its decimals are not indexed). */
function formatAmount(units, token) {
  return isEth(token) ? formatUnits(units) + ' ETH' : big(units).toString() + ' units of ' + short(token);
}

/** An amount element carrying its exact value in data-wei. */
function amount(units, token, attrs = {}) {
  const exact = big(units).toString();
  return h('span', { class: 'amount', 'data-wei': exact, title: exact + (isEth(token) ? ' wei' : ' units'), ...attrs }, formatAmount(exact, token));
}

// ---------------------------------------------------------------------------------------------
// Small views

const short = (a) => (typeof a === 'string' && a.length > 14 ? a.slice(0, 6) + '…' + a.slice(-4) : String(a ?? ''));

const link = (href, text, attrs = {}) => h('a', { href, ...attrs }, text);

/** Contract names by lowercase address (from /api/status), shown instead of the address. */
const names = new Map();
const nameOf = (a) => names.get(a.toLowerCase()) ?? short(a);
const accountLink = (a) => (a ? link('/account/' + a, nameOf(a), { class: 'addr', title: a }) : '—');
const datasetLink = (id) => link('/dataset/' + id, 'dataset ' + id);
const modelLink = (id) => link('/model/' + id, 'model ' + id);
const licenseLink = (id) => link('/license/' + id, 'license ' + id);
const batchLink = (attestor, id) => link('/batch/' + attestor + '/' + id, short(id), { class: 'mono', title: id });

function when(timestamp) {
  const t = Number(timestamp);
  if (!t) return '—';
  return new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const panel = (title, ...kids) => h('section', { class: 'panel' }, h('h2', null, title), ...kids);
const empty = (text) => h('p', { class: 'empty' }, text);
const stat = (label, value, attrs = {}) => h('div', { class: 'stat', ...attrs }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
const tag = (text, kind) => h('span', { class: 'tag' + (kind ? ' ' + kind : '') }, text);

/** A key/value list; rows whose value is undefined are left out. */
function kv(rows) {
  return h('dl', { class: 'kv' }, rows.filter(([, v]) => v !== undefined).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

/** A table: `columns` are [title, row => cell, {num: true}?]. */
function table(columns, rows, { emptyText = 'None.', id, total } = {}) {
  if (!rows.length) return empty(emptyText);
  const head = h('tr', null, columns.map(([title, , o]) => h('th', { class: o && o.num ? 'num' : null }, title)));
  const body = rows.map((row) => h('tr', null, columns.map(([, cell, o]) => h('td', { class: o && o.num ? 'num' : null }, cell(row)))));
  return h('table', { id }, h('thead', null, head), h('tbody', null, body, total || null));
}

/** A button that copies `text` (the clipboard API, or a selected textarea where it is refused). */
function copyButton(text, what) {
  const button = h('button', { class: 'copy', type: 'button' }, 'Copy ' + what);
  button.onclick = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.body.appendChild(h('textarea', null, text));
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    button.textContent = 'Copied';
    button.classList.add('done');
    setTimeout(() => ((button.textContent = 'Copy ' + what), button.classList.remove('done')), 1500);
  };
  return button;
}

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, 'network', 'the explorer did not answer: ' + e.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // handled below
  }
  if (body && body.error) throw new ApiError(response.status, body.error.code, body.error.message);
  if (!response.ok || body === null) throw new ApiError(response.status, 'http_' + response.status, response.statusText || 'not JSON');
  return body;
}

/** The API's answer, or `fallback` when it fails (for optional parts of a page). */
async function optional(path, fallback = null) {
  try {
    return await api(path);
  } catch {
    return fallback;
  }
}

function errorBox(error) {
  const code = error instanceof ApiError ? error.code : 'error';
  return h('div', { class: 'error', id: 'error', 'data-code': code }, h('code', null, code), ': ', error.message);
}

// ---------------------------------------------------------------------------------------------
// Charts: inline SVG

const PALETTE = ['#0b6e99', '#e07a1f', '#2f9e44', '#c92a2a', '#7048e8', '#0c8599', '#e64980', '#5c940d', '#495057'];
const color = (i) => PALETTE[i % PALETTE.length];

/** A round step (1, 2 or 5 × 10^n) at least `rough`. */
function niceStep(rough) {
  if (rough <= 0n) return 1n;
  let magnitude = 10n ** BigInt(rough.toString().length - 1);
  for (const m of [1n, 2n, 5n, 10n]) if (m * magnitude >= rough) return m * magnitude;
  return 10n * magnitude;
}

/** Position of `v` in [0, top] as a fraction. */
const fraction = (v, top) => (top > 0n ? Number((v * 1000000n) / top) / 1e6 : 0);

/** Short ETH label for an axis tick. */
const tickEth = (v) => formatUnits(v, 18, 4);

/**
 * A line chart. `series`: [{label, points: [{x: Number, y: BigInt}]}]. Options: `time` (x are
 * Unix seconds, else blocks), `xLabel`, `yLabel`, `step` (draw steps: cumulative amounts change
 * at events).
 */
function lineChart(name, series, { time = false, xLabel = time ? 'time (UTC)' : 'block', yLabel = 'ETH', step = false } = {}) {
  const W = 680, H = 260, L = 78, R = 16, T = series.length > 1 ? 30 : 14, B = 46;
  const pw = W - L - R, ph = H - T - B;
  const all = series.flatMap((se) => se.points);
  const svg = s('svg', { class: 'chart', 'data-chart': name, viewBox: `0 0 ${W} ${H}`, role: 'img' });
  if (!all.length) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis-label' }, 'no data yet'));
    return svg;
  }
  let yMax = all.reduce((m, p) => (p.y > m ? p.y : m), 0n);
  const yStep = niceStep((yMax + 3n) / 4n);
  const yTop = yStep * 4n;
  let xMin = Math.min(...all.map((p) => p.x)), xMax = Math.max(...all.map((p) => p.x));
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  const px = (x) => L + ((x - xMin) / (xMax - xMin)) * pw;
  const iso = (x) => new Date(x * 1000).toISOString();
  const xFormat = !time ? (x) => 'block ' + x : xMax - xMin < 4 * 86400 ? (x) => iso(x).slice(5, 16).replace('T', ' ') : (x) => iso(x).slice(0, 10);
  const py = (y) => T + ph * (1 - fraction(y, yTop));
  for (let i = 0n; i <= 4n; i++) {
    const y = py(yStep * i);
    svg.append(s('line', { class: i ? 'grid-line' : 'axis', x1: L, x2: W - R, y1: y, y2: y }));
    svg.append(s('text', { class: 'tick', x: L - 6, y: y + 3.5, 'text-anchor': 'end' }, tickEth(yStep * i)));
  }
  svg.append(s('line', { class: 'axis', x1: L, x2: L, y1: T, y2: T + ph }));
  for (let i = 0; i <= 4; i++) {
    const x = xMin + ((xMax - xMin) * i) / 4;
    svg.append(s('line', { class: 'axis', x1: px(x), x2: px(x), y1: T + ph, y2: T + ph + 4 }));
    svg.append(s('text', { class: 'tick', x: px(x), y: T + ph + 16, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle' }, xFormat(Math.round(x))));
  }
  svg.append(s('text', { class: 'axis-label', x: L + pw / 2, y: H - 6, 'text-anchor': 'middle' }, xLabel));
  svg.append(s('text', { class: 'axis-label', x: 12, y: T + ph / 2, transform: `rotate(-90 12 ${T + ph / 2})`, 'text-anchor': 'middle' }, yLabel));
  series.forEach((se, i) => {
    const points = se.points.slice().sort((a, b) => a.x - b.x);
    if (!points.length) return;
    let d = `M${px(points[0].x).toFixed(1)},${py(points[0].y).toFixed(1)}`;
    for (const p of points.slice(1)) {
      d += step ? `H${px(p.x).toFixed(1)}V${py(p.y).toFixed(1)}` : `L${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`;
    }
    svg.append(s('path', { class: 'line', d, stroke: color(i), 'data-series': se.label, 'data-points': points.length }));
    for (const p of points) {
      svg.append(s('circle', { class: 'point', cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: 3.5, fill: color(i) }, s('title', null, `${se.label}: ${formatUnits(p.y)} ETH at ${xFormat(p.x)}`)));
    }
  });
  if (series.length > 1) {
    let x = L;
    series.forEach((se, i) => {
      svg.append(s('rect', { x, y: 4, width: 10, height: 10, fill: color(i) }));
      svg.append(s('text', { class: 'legend', x: x + 14, y: 13 }, se.label));
      x += 28 + se.label.length * 6;
    });
  }
  return svg;
}

/**
 * A horizontal bar chart. `bars`: [{label, segments: [{label, value: BigInt}]}] (one segment is a
 * plain bar, several are stacked).
 */
function barChart(name, bars, { xLabel = 'ETH' } = {}) {
  const W = 680, L = 170, R = 110, T = 8, row = 28, B = 40;
  const H = T + bars.length * row + B;
  const pw = W - L - R;
  const svg = s('svg', { class: 'chart', 'data-chart': name, viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const totals = bars.map((b) => b.segments.reduce((t, sg) => t + sg.value, 0n));
  const max = totals.reduce((m, v) => (v > m ? v : m), 0n);
  const xStep = niceStep((max + 3n) / 4n);
  const xTop = xStep * 4n;
  const px = (v) => L + fraction(v, xTop) * pw;
  const yAxis = T + bars.length * row;
  for (let i = 0n; i <= 4n; i++) {
    const x = px(xStep * i);
    svg.append(s('line', { class: i ? 'grid-line' : 'axis', x1: x, x2: x, y1: T, y2: yAxis }));
    svg.append(s('text', { class: 'tick', x, y: yAxis + 14, 'text-anchor': 'middle' }, tickEth(xStep * i)));
  }
  svg.append(s('line', { class: 'axis', x1: L, x2: L + pw, y1: yAxis, y2: yAxis }));
  svg.append(s('text', { class: 'axis-label', x: L + pw / 2, y: H - 6, 'text-anchor': 'middle' }, xLabel));
  const segmentNames = [...new Set(bars.flatMap((b) => b.segments.map((sg) => sg.label)))];
  bars.forEach((bar, i) => {
    const y = T + i * row + 5;
    svg.append(s('text', { class: 'bar-label', x: L - 8, y: y + 13, 'text-anchor': 'end' }, bar.label));
    let start = 0n;
    for (const sg of bar.segments) {
      const x0 = px(start), x1 = px(start + sg.value);
      const width = Math.max(sg.value > 0n ? 1 : 0, x1 - x0);
      svg.append(s('rect', { class: 'bar', x: x0, y, width, height: row - 10, fill: color(segmentNames.indexOf(sg.label)), 'data-wei': sg.value.toString() }, s('title', null, `${bar.label} · ${sg.label}: ${formatUnits(sg.value)} ETH`)));
      start += sg.value;
    }
    svg.append(s('text', { class: 'bar-value', x: px(totals[i]) + 6, y: y + 13 }, formatUnits(totals[i]) + ' ETH'));
  });
  return svg;
}

/**
 * A layered flow diagram (Sankey-like). `columns`: titles; `nodes`: [{id, label, column, href}];
 * `links`: [{from, to, value: BigInt}]. Band widths are proportional to the amounts.
 */
function flowDiagram(name, columns, nodes, links) {
  const W = 960, T = 26, nodeW = 12, gap = 14, labelRoom = 200;
  links = links.filter((l) => l.value > 0n);
  const byId = new Map(nodes.map((n) => [n.id, { ...n, in: 0n, out: 0n }]));
  for (const l of links) {
    if (!byId.has(l.from) || !byId.has(l.to)) continue;
    byId.get(l.from).out += l.value;
    byId.get(l.to).in += l.value;
  }
  const placed = [...byId.values()].filter((n) => n.in > 0n || n.out > 0n);
  const svg = s('svg', { class: 'chart flow', 'data-chart': name, role: 'img' });
  if (!placed.length) {
    svg.setAttribute('viewBox', `0 0 ${W} 60`);
    svg.append(s('text', { x: W / 2, y: 30, 'text-anchor': 'middle', class: 'axis-label' }, 'no money has flowed yet'));
    return svg;
  }
  const value = (n) => (n.in > n.out ? n.in : n.out);
  const cols = columns.map((_, c) => placed.filter((n) => n.column === c));
  const colTotal = cols.map((ns) => ns.reduce((t, n) => t + value(n), 0n));
  const maxTotal = colTotal.reduce((m, v) => (v > m ? v : m), 0n);
  const tallest = Math.max(...cols.map((ns) => ns.length));
  const H = Math.max(220, T + 20 + tallest * (gap + 22));
  const scale = H - T - 10 - (tallest - 1) * gap;
  const size = (v) => Math.max(2, fraction(v, maxTotal) * scale);
  const colX = (c) => 10 + (c * (W - 20 - labelRoom - nodeW)) / Math.max(1, columns.length - 1);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  columns.forEach((title, c) => svg.append(s('text', { class: 'column-title', x: colX(c), y: 14 }, title)));
  cols.forEach((ns, c) => {
    let y = T;
    for (const n of ns) {
      n.x = colX(c);
      n.y = y;
      n.h = size(value(n));
      n.inY = n.outY = y;
      y += n.h + gap;
    }
  });
  const bands = links.filter((l) => byId.get(l.from)?.y !== undefined && byId.get(l.to)?.y !== undefined);
  bands.sort((a, b) => byId.get(a.from).y - byId.get(b.from).y || byId.get(a.to).y - byId.get(b.to).y);
  const group = s('g', { class: 'links' });
  for (const l of bands) {
    const a = byId.get(l.from), b = byId.get(l.to);
    const w = Math.max(1, fraction(l.value, maxTotal) * scale);
    const x0 = a.x + nodeW, x1 = b.x, xm = (x0 + x1) / 2;
    const y0 = a.outY, y1 = b.inY;
    a.outY += w;
    b.inY += w;
    const d = `M${x0},${y0}C${xm},${y0} ${xm},${y1} ${x1},${y1}L${x1},${y1 + w}C${xm},${y1 + w} ${xm},${y0 + w} ${x0},${y0 + w}Z`;
    group.append(s('path', { class: 'link', d, fill: color(a.column === 0 ? placed.indexOf(a) : b.column), 'data-wei': l.value.toString() }, s('title', null, `${a.label} → ${b.label}: ${formatUnits(l.value)} ETH`)));
  }
  svg.append(group);
  for (const n of placed) {
    const box = s('rect', { class: 'node', x: n.x, y: n.y, width: nodeW, height: n.h, fill: '#344054' }, s('title', null, `${n.label}: ${formatUnits(value(n))} ETH`));
    const text = s('text', { class: 'node-label', x: n.x + nodeW + 5, y: n.y + Math.min(n.h / 2, 10) + 4 }, n.label,
      s('tspan', { class: 'node-value', dx: 6 }, formatUnits(value(n)) + ' ETH'));
    svg.append(n.href ? s('a', { href: n.href }, box, text) : s('g', null, box, text));
  }
  return svg;
}

/**
 * A small directed graph in layers: `nodes`: [{id, label, layer, href, kind}], `edges`: [[from, to]].
 * Layer 0 is drawn on the left.
 */
function layeredGraph(name, nodes, edges) {
  const boxW = 150, boxH = 30, colGap = 70, rowGap = 14;
  const layers = [...new Set(nodes.map((n) => n.layer))].sort((a, b) => a - b);
  const rows = Math.max(1, ...layers.map((l) => nodes.filter((n) => n.layer === l).length));
  const W = 20 + layers.length * (boxW + colGap) - colGap + 20;
  const H = 20 + rows * (boxH + rowGap);
  const svg = s('svg', { class: 'chart graph', 'data-chart': name, viewBox: `0 0 ${W} ${H}`, role: 'img', style: `max-width:${W}px` });
  svg.append(s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }, s('path', { d: 'M0,0L10,5L0,10z', fill: '#98a2b3' }))));
  const at = new Map();
  layers.forEach((layer, c) => {
    nodes.filter((n) => n.layer === layer).forEach((n, r) => at.set(n.id, { x: 20 + c * (boxW + colGap), y: 10 + r * (boxH + rowGap) }));
  });
  for (const [from, to] of edges) {
    const a = at.get(from), b = at.get(to);
    if (!a || !b) continue;
    const x0 = a.x + boxW, y0 = a.y + boxH / 2, x1 = b.x, y1 = b.y + boxH / 2, xm = (x0 + x1) / 2;
    svg.append(s('path', { class: 'edge', d: `M${x0},${y0}C${xm},${y0} ${xm},${y1} ${x1},${y1}`, 'marker-end': 'url(#arrow)' }));
  }
  for (const n of nodes) {
    const p = at.get(n.id);
    const fill = n.kind === 'dataset' ? '#d8edf6' : n.kind === 'self' ? '#fff3bf' : '#e5dbff';
    const g = s('g', { class: 'node', 'data-node': n.id }, s('rect', { x: p.x, y: p.y, width: boxW, height: boxH, rx: 5, fill, stroke: '#98a2b3' }), s('text', { x: p.x + boxW / 2, y: p.y + boxH / 2 + 4, 'text-anchor': 'middle' }, n.label));
    svg.append(n.href ? s('a', { href: n.href }, g) : g);
  }
  return svg;
}

// ---------------------------------------------------------------------------------------------
// Generic rendering of API values, guided by their keys (snake_case, docs/explorer.md §2)

const snake = (key) => String(key).replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const AMOUNT_KEY = /(amount|price|fee|fees|owed|withdrawn|earned|balance|funded|charged|held|revenue|paid|deposited|stake|bond|debt|slashed|credited|returned|total|sales|per_use|direct|royalties|stakes)$/;
const NOT_AMOUNT_KEY = /(shares|units|count|leaves|bps|block|index|version|round|status|reason|supply|epoch|weight|depth)/;
const TIME_KEY = /(timestamp|_at$|expires|deadline|^since$|^as_of$|from$)/;
const isAddress = (v) => typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v);
const isHash = (v) => typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v);
const SKIP = ['log_index', 'tx_index'];

/** `{kind, id}` (a split's owner, an offer's asset or destination) as a link. */
function assetLink(o) {
  if (o.kind === 'dataset') return datasetLink(o.dataset ?? o.id);
  if (o.kind === 'model' || o.kind === 'model_route') return modelLink(o.model ?? o.id);
  if (o.kind === 'split') return 'split ' + (o.split ?? o.id);
  return null;
}

/** One value as a page element; `row` is the object it came from (for its token or attestor). */
function cell(key, value, row = {}) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return h('span', null, value.map((v, i) => [i ? ', ' : '', cell(key, v, row)]));
    return autoTable(value);
  }
  if (typeof value === 'object') return assetLink(value) ?? autoKv(value);
  const v = String(value);
  if ((key === 'token' || key.endsWith('_token')) && isEth(v)) return 'ETH';
  if (isAddress(v)) return accountLink(v);
  if (key === 'batch_id' && isAddress(row.attestor)) return batchLink(row.attestor, v);
  if (isHash(v)) return h('span', { class: 'mono', title: v }, short(v));
  if (/^\d+$/.test(v)) {
    if (key === 'dataset' || key === 'dataset_id' || (key === 'parent' && row.kind === 'dataset')) return datasetLink(v);
    if (key === 'model' || key === 'model_id' || (key === 'parent' && row.kind === 'model')) return modelLink(v);
    if (key === 'license' || key === 'license_id') return licenseLink(v);
    if (TIME_KEY.test(key) && (Number(v) > 1e8 || v === '0')) return when(v);
    if (typeof value === 'string' && AMOUNT_KEY.test(key) && !NOT_AMOUNT_KEY.test(key)) return amount(v, row.token ?? row.stake_token);
  }
  return v;
}

const isNote = (k) => k === 'note' || k.endsWith('_note');
const notes = (obj) => Object.entries(obj || {}).filter(([k, v]) => isNote(k) && v).map(([, v]) => h('p', { class: 'muted' }, v));

/** An object as a key/value list (its notes below it). */
function autoKv(obj, skip = []) {
  const rows = Object.entries(obj || {}).filter(([k]) => !skip.includes(k) && !SKIP.includes(k) && !isNote(k));
  if (!rows.length) return empty('Nothing.');
  return [kv(rows.map(([k, v]) => [k.replace(/_/g, ' '), cell(k, v, obj)])), notes(obj)];
}

/** Where a column goes: names and ids first, amounts after them, then when and where. */
function rank(k) {
  if (k === 'tx_hash') return 4;
  if (k === 'block' || k === 'timestamp') return 3;
  if (AMOUNT_KEY.test(k) && !NOT_AMOUNT_KEY.test(k)) return 2;
  return /^(license|dataset|model|offer|contribution|epoch|split|version|attestor|batch_id|member|address|holder|parent|kind|status|event)$/.test(k) ? 0 : 1;
}

/** An array of objects as a table with a column per key (events as the activity shows them). */
function autoTable(rows, { emptyText = 'None.', skip = [], id } = {}) {
  rows = list(rows);
  if (rows.length && rows.every((r) => r && r.args && r.event !== undefined)) return activityTable(rows, null);
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r ?? {})))].filter((k) => !skip.includes(k) && !SKIP.includes(k) && !isNote(k));
  keys.sort((a, b) => rank(a) - rank(b));
  const columns = keys.map((k) => [k.replace(/_/g, ' '), (r) => cell(k, r[k], r), { num: AMOUNT_KEY.test(k) && !NOT_AMOUNT_KEY.test(k) }]);
  return table(columns, rows, { emptyText, id });
}

/** Cumulative ETH points `{x: timestamp, y}` of `rows`, from `key` or by summing `amount`. */
function cumulative(rows, key) {
  let running = 0n;
  return list(rows).filter((r) => isEth(r.token)).map((r) => {
    running = key ? big(r[key]) : running + big(r.amount);
    return { x: Number(r.timestamp), y: running };
  });
}

// ---------------------------------------------------------------------------------------------
// Pages

/** Home: status, the latest activity and batches. */
async function homePage() {
  const [status, activity, batches] = await Promise.all([api('/api/status'), api('/api/activity?limit=25'), optional('/api/batches?limit=10', { items: [] })]);
  const contracts = Object.entries(status.contracts || {});
  return [
    h('h1', null, 'Deployment on chain ' + status.chain_id),
    h('div', { class: 'stats', id: 'status' },
      stat('chain', String(status.chain_id ?? '—'), { id: 'status-chain' }),
      stat('indexed block', String(status.indexed_block ?? '—'), { id: 'status-indexed' }),
      stat('head block', String(status.head_block ?? '—'), { id: 'status-head' }),
      stat('events', String(status.event_count ?? '—'), { id: 'status-events' }),
      stat('behind head', status.behind ? status.behind + ' blocks' : 'in sync')),
    panel('Latest activity', h('div', { id: 'activity' }, activityTable(activity.items, activity.next))),
    panel('Latest batches', autoTable(batches.items, { emptyText: 'No batches anchored yet.', skip: ['root', 'status_code', 'tx_hash', 'block'] })),
    panel('Contracts', kv(contracts.map(([name, a]) => [name, cell('address', a)])), kv([['deployer', cell('deployer', status.deployer)], ['from block', String(status.from_block ?? '—')]])),
  ];
}

/** The events as a table with links, and a button that follows the cursor. */
function activityTable(events, next) {
  const columns = [
    ['block', (e) => String(e.block)],
    ['time', (e) => when(e.timestamp)],
    ['contract', (e) => e.contract],
    ['event', (e) => h('strong', null, e.event ?? '(unknown)')],
    ['details', (e) => eventSummary(e.contract, e.args || {})],
    ['tx', (e) => cell('tx_hash', e.tx_hash)],
  ];
  const wrap = h('div', { class: 'events' }, table(columns, events, { emptyText: 'No events indexed yet.' }));
  if (next) {
    const more = h('button', { class: 'copy', type: 'button' }, 'Older events');
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const page = await api('/api/activity?limit=25&cursor=' + encodeURIComponent(next));
        wrap.replaceWith(activityTable(events.concat(page.items), page.next));
      } catch (e) {
        more.replaceWith(errorBox(e));
      }
    });
    wrap.append(more);
  }
  return wrap;
}

/** An event's arguments inline; ids and addresses as links (an NFT's token id by its contract). */
function eventSummary(contract, args) {
  const alias = { license_nft: 'license', model_nft: 'model' }[contract];
  return h('span', { class: 'args' }, Object.entries(args).map(([k, v], i) => {
    let key = snake(k).replace(/^_/, '');
    if (key === 'token_id' && alias) key = alias;
    return [i ? ' · ' : '', h('span', { class: 'muted' }, k + ' '), Array.isArray(v) ? `[${v.length}]` : cell(key, v, args)];
  }));
}

/** Account: what it is owed, earned and withdrew, how to withdraw, and what it holds. */
async function accountPage(address) {
  const a = await api('/api/accounts/' + address);
  const eth = list(a.totals).find((t) => isEth(t.token)) || {};
  const owedColumns = [
    ['split', (r) => ['split ' + r.split, ' (', cell('source', r.source), ')']],
    ['version', (r) => [String(r.version), ' ', tag(r.kind), r.current ? [' ', tag('current', 'good')] : null]],
    ['token', (r) => cell('token', r.token)],
    ['shares', (r) => r.shares],
    ['earned', (r) => cell('earned', r.earned, r), { num: true }],
    ['withdrawn', (r) => cell('withdrawn', r.withdrawn, r), { num: true }],
    ['owed', (r) => cell('owed', r.owed, r), { num: true }],
  ];
  const totals = list(a.totals).map((t) => h('tr', { class: 'total' }, h('td', { colspan: 4 }, 'total in ', cell('token', t.token)),
    ['earned', 'withdrawn', 'owed'].map((k) => h('td', { class: 'num' }, amount(t[k], t.token)))));
  const withdrawAll = a.withdraw_all || {};
  return [
    h('h1', null, 'Account ', h('span', { class: 'addr' }, a.address)),
    h('div', { class: 'stats' },
      stat('owed now', amount(eth.owed, null, { id: 'owed-total' })),
      stat('withdrawn', amount(eth.withdrawn, null, { id: 'withdrawn-total' })),
      stat('earned', amount(eth.earned, null, { id: 'earned-total' })),
      stat('licenses', String(list(a.licenses).length)),
      stat('datasets / models', list(a.datasets).length + ' / ' + list(a.models).length)),
    panel('Owed per split, version and token', table(owedColumns, list(a.owed), { emptyText: 'No shares in any split.', id: 'owed', total: totals })),
    panel('Earnings over time', lineChart('earnings', [{ label: 'earned (cumulative, ETH)', points: cumulative(a.earnings, 'cumulative') }], { step: true, time: true })),
    panel('Withdraw everything', batchView(withdrawAll.batch), callsView(list(withdrawAll.calls)), notes(withdrawAll)),
    h('div', { class: 'grid' },
      panel('Licenses', autoTable(a.licenses, { emptyText: 'No licenses.', skip: ['since_block', 'holder'] })),
      panel('Datasets owned', autoTable(a.datasets, { emptyText: 'No datasets.', skip: ['registered_block'] })),
      panel('Models held', autoTable(a.models, { emptyText: 'No models.', skip: ['registered_block'] })),
      panel('Withdrawals', autoTable(a.withdrawn, { emptyText: 'No withdrawals yet.', skip: ['block'] }))),
    panel('Contributions', autoTable(a.contributions, { emptyText: 'No contributions.', skip: ['review', 'content_hash', 'uri', 'block', 'stake_token'] }),
      list(a.stakes).length ? [h('h3', null, 'Stakes'), autoTable(a.stakes)] : null),
    list(a.credits).length || a.attestor ? h('div', { class: 'grid' },
      panel('Credits', autoTable(a.credits, { emptyText: 'No credits.' })),
      panel('As an attestor', a.attestor ? autoKv(a.attestor) : empty('Not an attestor.'))) : null,
  ];
}

/** The one call that makes every withdrawal (the router's `withdrawAll`), to copy. */
function batchView(batch) {
  if (!batch) return null;
  return h('div', { id: 'batch', class: 'call' },
    h('div', null, h('strong', null, 'One call for all ' + batch.entries + ' withdrawals'), ' → ', cell('to', batch.to)),
    h('pre', { class: 'cast' }, batch.cast), copyButton(batch.cast, 'cast command'),
    h('pre', { class: 'calldata' }, batch.calldata), copyButton(batch.calldata, 'calldata'),
    h('div', null, 'Or one withdrawal at a time:'));
}

/** The withdraw-all calls: what each pays, its `cast send` line and calldata, to copy. */
function callsView(calls) {
  if (!calls.length) return empty('Nothing to withdraw.');
  return h('div', { id: 'calls' }, calls.map((c, i) => h('div', { class: 'call', 'data-call': i },
    h('div', null, h('strong', null, c.description ?? c.function), ' → ', cell('to', c.to), ' pays ', amount(c.amount, c.token)),
    h('pre', { class: 'cast' }, c.cast), copyButton(c.cast, 'cast command'),
    h('pre', { class: 'calldata' }, c.calldata), copyButton(c.calldata, 'calldata'))));
}

const SOURCES = ['sales', 'per_use', 'upstream_royalties', 'resale_royalties', 'slashed_stakes', 'direct'];
const label = (key) => key.replace(/_/g, ' ');

/** Dataset: owner, split versions and contributors, revenue and its flow, offers, Datanet. */
async function datasetPage(id) {
  const d = await api('/api/datasets/' + id);
  const bySource = d.revenue?.by_source || {};
  const deposits = list(d.revenue?.over_time).filter((r) => isEth(r.token));
  const series = [{ label: 'total', points: cumulative(deposits) }].concat(SOURCES.filter((k) => deposits.some((r) => r.source === k))
    .map((k) => ({ label: label(k), points: cumulative(deposits.filter((r) => r.source === k)) })));
  return [
    h('h1', null, 'Dataset ' + d.dataset),
    h('p', { class: 'subtitle' }, d.uri, ' · content ', cell('content_hash', d.content_hash)),
    h('div', { class: 'stats' },
      stat('owner', accountLink(d.owner)),
      stat('split', String(d.split)),
      stat('revenue', amount(bySource.total, null, { id: 'revenue-total' })),
      stat('split versions', String(list(d.contributors).length)),
      stat('licenses', String(list(d.licenses).length))),
    panel('Where the money comes from and where it goes', flowDiagram('flow', ...(await datasetFlow(d)))),
    h('div', { class: 'grid' },
      panel('Revenue by source', barChart('revenue-by-source', SOURCES.map((k) => ({ label: label(k), segments: [{ label: k, value: big(bySource[k]) }] })))),
      panel('Revenue over time', lineChart('revenue', series, { step: true, time: true }))),
    panel('Contributors per split version', contributorsView(d.contributors)),
    offersAndLicenses(d),
    h('div', { class: 'grid' },
      panel('Royalties from derived models', autoTable(d.upstream, { emptyText: 'No derived model paid royalties yet.' })),
      panel('Content versions and owners', autoTable(d.versions, { skip: ['block'] }), h('h3', null, 'Owners'), autoTable(d.owners, { skip: ['block'] }))),
    d.datanet ? panel('Datanet', datanetView(d.datanet)) : null,
  ];
}

/**
 * The flow into and out of a dataset: payers (license buyers, licensees' per-use fees, the payers
 * of derived models' revenue pro rata to the royalties, other sources) → derived models → the
 * dataset → its contributors (what each earned over every split version).
 */
async function datasetFlow(d) {
  const nodes = new Map();
  const links = [];
  const node = (key, text, column, href) => {
    if (!nodes.has(key)) nodes.set(key, { id: key, label: text, column, href });
    return key;
  };
  let covered = 0n; // of the current source, by the links drawn so far
  const flow = (from, to, value) => {
    if (value > 0n) links.push({ from, to, value });
    covered += value;
  };
  const payer = (a) => node(a, nameOf(a), 0, '/account/' + a);
  const by = d.revenue?.by_source || {};
  const ds = node('dataset', 'dataset ' + d.dataset, 2);
  const licenses = list(d.licenses);
  const [usage, models] = await Promise.all([
    Promise.all(licenses.slice(0, 20).map((l) => optional('/api/licenses/' + l.license))),
    Promise.all(list(d.upstream).filter((u) => isEth(u.token)).slice(0, 10).map(async (u) => [u, await optional('/api/models/' + u.model)])),
  ]);
  // What the links drawn for a source do not cover comes from (or goes to) one node for it.
  const rest = (key, text, column, total, out = false) => {
    const [left, n] = [total - covered, node(key, text, column)];
    if (left > 0n) links.push(out ? { from: ds, to: n, value: left } : { from: n, to: ds, value: left });
    covered = 0n;
  };
  for (const l of licenses) flow(payer(l.payer), ds, big(l.price));
  rest('sales', 'other sales', 0, big(by.sales));
  usage.forEach((u, i) => flow(payer(licenses[i].holder ?? licenses[i].payer), ds, big(u?.usage?.fees)));
  rest('per_use', 'per-use fees', 0, big(by.per_use));
  for (const [u, m] of models) {
    const paid = big(u.paid);
    const reports = list(m?.revenue?.reports).filter((r) => isEth(r.token));
    const total = reports.reduce((t, r) => t + big(r.amount), 0n);
    const mid = node('model:' + u.model, 'model ' + u.model, 1, '/model/' + u.model);
    for (const r of reports) links.push({ from: payer(r.payer), to: mid, value: total ? (big(r.amount) * paid) / total : 0n });
    flow(mid, ds, paid);
  }
  rest('upstream', 'other models', 1, big(by.upstream_royalties));
  for (const k of ['resale_royalties', 'slashed_stakes', 'direct']) rest(k, label(k), 0, big(by[k]));
  const earned = new Map();
  for (const v of list(d.contributors)) for (const m of list(v.members)) earned.set(m.address, (earned.get(m.address) ?? 0n) + big(m.earned));
  for (const [who, v] of earned) flow(ds, node('to:' + who, nameOf(who), 3, '/account/' + who), v);
  rest('unattributed', 'unregistered Merkle shares / remainder', 3, big(by.total), true);
  return [['payers', 'derived models', 'dataset', 'contributors'], [...nodes.values()], links];
}

/** An asset's offers (their terms are not in the events: see the note) and licenses. */
function offersAndLicenses(asset) {
  const offers = list(asset.offers);
  return panel('Offers and licenses',
    autoTable(offers, { emptyText: 'No offers.', skip: ['asset', 'terms_hash', 'royalty_receiver', 'block', 'creator'] }), offers.length ? h('p', { class: 'muted' }, offers[0].terms_note) : null,
    h('h3', null, 'Licenses'), autoTable(asset.licenses, { emptyText: 'No licenses.', skip: ['block', 'licensee'] }));
}

/** A split's versions with their members: shares, share, earned, withdrawn, owed. */
function contributorsView(versions) {
  versions = list(versions);
  if (!versions.length) return empty('No split versions.');
  const columns = (total) => [
    ['member', (m) => accountLink(m.address)],
    ['shares', (m) => m.shares],
    ['share', (m) => (big(total) ? formatUnits((big(m.shares) * 10n ** 6n) / big(total), 4, 2) + ' %' : '—'), { num: true }],
    ['earned', (m) => amount(m.earned), { num: true }],
    ['withdrawn', (m) => amount(m.withdrawn), { num: true }],
    ['owed', (m) => amount(m.owed), { num: true }],
  ];
  return h('div', { id: 'contributors' }, versions.map((v) => [
    h('h3', null, 'version ' + v.version, ' ', tag(v.kind), v.current ? [' ', tag('current', 'good')] : null, v.epoch ? [' ', tag('Datanet epoch ' + v.epoch, 'warn')] : null,
      h('span', { class: 'muted' }, ` · ${v.total_shares} shares · opened ${when(v.opened_at)}`)),
    table(columns(v.total_shares), list(v.members), { emptyText: v.kind === 'merkle' ? 'No member has claimed yet (members appear once registered by their first claim).' : 'No members.' }),
    big(v.unregistered_shares) ? h('p', { class: 'muted' }, v.unregistered_shares + ' shares belong to Merkle members who have not claimed yet.') : null,
  ]));
}

function datanetView(n) {
  return [
    h('div', { class: 'grid' }, h('div', null, h('h3', null, 'Configuration ', n.open ? tag('open', 'good') : tag('closed', 'bad')), autoKv(n.config)),
      h('div', null, h('h3', null, 'Stakes'), autoKv(n.stakes), h('h3', null, 'Evaluators'), cell('evaluators', n.evaluators))),
    h('h3', null, 'Epochs'), autoTable(n.epochs, { emptyText: 'No epoch activated yet.', skip: ['block'] }),
    h('h3', null, 'Reports'), autoTable(n.reports, { emptyText: 'No reports.', skip: ['block', 'digest', 'benchmark_id', 'metric'] }),
    h('h3', null, 'Contributions'), autoTable(n.contributions, { emptyText: 'No contributions.', skip: ['block', 'content_hash', 'uri', 'reason_hash', 'curator'] }),
  ];
}

/** Model: holder, lineage, revenue and what it paid upstream. */
async function modelPage(id) {
  const m = await api('/api/models/' + id);
  const upstream = list(m.paid_upstream).filter((u) => isEth(u.token));
  const revenue = m.revenue || {};
  return [
    h('h1', null, 'Model ' + m.model),
    h('p', { class: 'subtitle' }, m.uri, ' · model hash ', cell('model_hash', m.model_hash), ' · depth ' + m.depth),
    h('div', { class: 'stats' },
      stat('holder', accountLink(m.holder)),
      stat('split', String(m.split)),
      stat('revenue reported', amount(revenue.total, null, { id: 'model-revenue' })),
      stat('paid upstream', amount(upstream.reduce((t, u) => t + big(u.paid), 0n), null, { id: 'paid-upstream' }))),
    panel('Lineage', lineage(m), notes(m)),
    h('div', { class: 'grid' },
      panel('Revenue reported over time', lineChart('model-revenue', [{ label: 'revenue (cumulative, ETH)', points: cumulative(revenue.reports, 'cumulative_revenue') }], { step: true, time: true })),
      panel('Paid upstream per parent', barChart('paid-upstream', upstream.map((u) => ({ label: u.kind + ' ' + u.parent, segments: [{ label: 'paid', value: big(u.paid) }] }))))),
    panel('Revenue reports', autoTable(revenue.reports, { emptyText: 'No revenue reported.', skip: ['block'] }),
      list(revenue.from_derived_models).length ? [h('h3', null, 'From derived models'), autoTable(revenue.from_derived_models)] : null),
    panel('Holders per split version', contributorsView(m.contributors)),
    h('div', { class: 'grid' },
      panel('Holders', autoTable(m.holders, { skip: ['block'] })),
      panel('Versions', autoTable(m.versions, { skip: ['block'] }))),
    offersAndLicenses(m),
  ];
}

/** The lineage graph: ancestors on the left, the model on the right. */
function lineage(m) {
  const nodes = [{ id: 'model:' + m.model, label: 'model ' + m.model, layer: 0, kind: 'self' }];
  const edges = [];
  const add = (p, child, depth) => {
    const key = p.kind + ':' + p.parent;
    if (!nodes.some((n) => n.id === key)) nodes.push({ id: key, label: p.kind + ' ' + p.parent, layer: -depth, kind: p.kind, href: '/' + p.kind + '/' + p.parent });
    edges.push([key, child]);
  };
  for (const p of list(m.parents)) add(p, 'model:' + m.model, 1);
  for (const a of list(m.ancestry)) add(a, 'model:' + a.child, a.depth);
  if (nodes.length === 1) return empty('No parent has been paid yet (lineage edges come from routed royalties).');
  return [layeredGraph('lineage', nodes, edges), autoTable(m.parents, { skip: ['dataset', 'model', 'parent_is_model'] })];
}

/** License: holder, validity, escrow, usage and the batches that may still bill it. */
async function licensePage(id) {
  const l = await api('/api/licenses/' + id);
  const validity = l.validity || {};
  const escrow = l.escrow || {};
  const usage = l.usage || {};
  return [
    h('h1', null, 'License ' + l.license, ' ', validity.valid ? tag('valid', 'good') : tag('not valid', 'bad')),
    h('p', { class: 'subtitle' }, 'on ', cell('asset', l.asset), ', offer ' + (l.offer?.offer ?? '—')),
    h('div', { class: 'stats' },
      stat('holder', accountLink(l.holder)),
      stat('escrow balance', amount(escrow.balance, null, { id: 'escrow-balance' })),
      stat('units settled', String(usage.units ?? '0')),
      stat('fees settled', amount(usage.fees)),
      stat('expires', validity.perpetual ? 'never' : when(validity.expires_at))),
    h('div', { class: 'grid' },
      panel('Validity', autoKv(validity), l.revocation ? [h('h3', null, 'Revocation'), autoKv(l.revocation)] : null, h('h3', null, 'Debt'), autoKv(l.debt, ['flags'])),
      panel('Escrow', autoKv(escrow, ['history']))),
    h('div', { class: 'grid' },
      panel('Offer', autoKv(l.offer, ['asset', 'block']), h('p', { class: 'muted' }, l.terms_note)),
      panel('Issue and transfers', autoKv(l.issued, ['block']), h('h3', null, 'Transfers'), autoTable(l.transfers, { skip: ['block'] }), l.user ? [h('h3', null, 'User (ERC-4907)'), autoKv(l.user)] : null)),
    panel('Usage settled', autoTable(usage.settled, { emptyText: 'No usage settled.', skip: ['block'] }), list(usage.skipped).length ? [h('h3', null, 'Skipped leaves'), autoTable(usage.skipped)] : null),
    panel('Anchored batches not settled for it yet', autoTable(l.pending_batches, { emptyText: 'None.' }), h('p', { class: 'muted' }, l.pending_batches_note)),
    panel('Escrow history', autoTable(escrow.history, { emptyText: 'No escrow movements.', skip: ['block'] })),
  ];
}

/** Batch: its status history, leaves, challenges and rulings. */
async function batchPage(attestor, batchId) {
  const b = await api('/api/batches/' + attestor + '/' + batchId);
  const batch = b.batch || {};
  return [
    h('h1', null, 'Batch ', h('span', { class: 'addr' }, batch.batch_id ?? batchId), ' ', tag(batch.status ?? '?', batch.status === 'settled' ? 'good' : 'warn')),
    h('div', { class: 'stats' },
      stat('attestor', accountLink(batch.attestor ?? attestor)),
      stat('leaves', `${batch.settled_leaves ?? 0} settled / ${batch.skipped_leaves ?? 0} skipped / ${batch.leaf_count ?? '?'}`),
      stat('units', String(batch.total_units ?? '—')),
      stat('fees', amount(batch.fees))),
    h('div', { class: 'grid' }, panel('Batch', autoKv(batch)), panel('Status history', autoTable(b.history, { skip: ['block'] }))),
    h('div', { class: 'grid' },
      panel('Settled leaves', autoTable(b.leaves?.settled, { emptyText: 'None settled.', skip: ['block'] })),
      panel('Skipped leaves', autoTable(b.leaves?.skipped, { emptyText: 'None skipped.', skip: ['block'] }))),
    h('div', { class: 'grid' },
      panel('Challenges', autoTable(b.challenges, { emptyText: 'No challenges.', skip: ['block'] }), h('h3', null, 'Rulings'), autoTable(b.rulings, { emptyText: 'No rulings.', skip: ['block'] })),
      panel('Bonds and escrow holds', autoTable(b.bonds, { emptyText: 'No challenge bonds.' }), h('h3', null, 'Escrow holds'), autoTable(b.escrow_holds, { emptyText: 'No escrow holds.' }))),
  ];
}

// ---------------------------------------------------------------------------------------------
// Router

const ROUTES = [
  [/^\/$/, homePage, ''],
  [/^\/account\/([^/]+)\/?$/, accountPage, 'Account'],
  [/^\/dataset\/([^/]+)\/?$/, datasetPage, 'Dataset'],
  [/^\/model\/([^/]+)\/?$/, modelPage, 'Model'],
  [/^\/license\/([^/]+)\/?$/, licensePage, 'License'],
  [/^\/batch\/([^/]+)\/([^/]+)\/?$/, batchPage, 'Batch'],
];

async function render() {
  const app = document.getElementById('app');
  const path = location.pathname;
  const route = ROUTES.find(([re]) => re.test(path));
  app.removeAttribute('data-rendered');
  app.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  let parts;
  if (!route) {
    parts = [errorBox(new ApiError(404, 'unknown_route', 'no page at ' + path))];
  } else {
    const [re, page, title] = route;
    const params = path.match(re).slice(1).map(decodeURIComponent);
    document.title = (title ? title + ' ' + params.map(short).join(' ') + ' · ' : '') + 'Tributary explorer';
    try {
      parts = await page(...params);
    } catch (e) {
      if (!(e instanceof ApiError)) console.error(e);
      parts = [errorBox(e)];
    }
  }
  if (location.pathname !== path) return; // navigated away meanwhile
  app.replaceChildren(...parts.filter(Boolean));
  app.setAttribute('data-rendered', path);
}

function navigate(href) {
  history.pushState(null, '', href);
  window.scrollTo(0, 0);
  render();
}

document.addEventListener('click', (event) => {
  const a = event.target.closest('a');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/static/')) return;
  event.preventDefault();
  navigate(href);
});

window.addEventListener('popstate', render);

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = document.getElementById('search-text').value.trim();
  const kind = isAddress(text) ? 'account' : document.getElementById('search-kind').value;
  if (text) navigate('/' + kind + '/' + encodeURIComponent(text));
});

optional('/api/status').then((status) => {
  if (status) {
    document.getElementById('chain-badge').textContent = `chain ${status.chain_id} · block ${status.indexed_block ?? '—'} of ${status.head_block ?? '—'}`;
    for (const [name, address] of Object.entries(status.contracts || {})) names.set(address.toLowerCase(), name);
  }
  render();
});
