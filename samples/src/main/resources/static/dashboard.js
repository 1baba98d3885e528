// The dashboard, for an operator to keep open. No framework, no build step; the charts are
// uPlot, served from its WebJar. It reads:
//   GET /api/config        whether the actions are enabled (the server refuses them otherwise)
//   GET /api/tree          the tree, re-read on every event and once a second
//   GET /api/events        Server-Sent Events: the recent ones first, then live
//   GET /api/metrics       per-second rates of the tree's counters: all kept, then each second the new ones
//   GET /api/dead-letters  the last dead letters, re-read when one arrives
'use strict';

const KINDS = ['Started', 'Crashed', 'Restarting', 'Restarted', 'HealthCheckFailed', 'DeadLetter',
  'CircuitStateChanged', 'Stopped', 'Failed', 'Escalated', 'Removed'];
const SERIES_COLORS = ['#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#007b83', '#b3261e', '#5f6368'];
const MAX_EVENTS = 300;
const MAX_DEAD_LETTERS = 50;
const WINDOW_SECONDS = 300; // as the server's history
// every action carries it; another site's page cannot send it without a CORS preflight, which the server refuses
const ACTION_HEADERS = {'X-Dashboard-Action': 'confirmed'};

const treeRoot = document.getElementById('tree');
const nodes = new Map();          // path -> {li, node}
const eventList = document.getElementById('events');
const deadLetterList = document.getElementById('dead-letters');
const statusLine = document.getElementById('status');
const replyLine = document.getElementById('reply');
const filterPath = document.getElementById('filter-path');
const filterKind = document.getElementById('filter-kind');
const charts = new Map();         // series -> {plot, components}
let actionsEnabled = false;
let rootPath = null;
let refreshScheduled = false;
let deadLettersScheduled = false;
let pricingOutage = false;

function el(tag, attributes, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function seconds(millis) {
  const s = millis / 1000;
  return s < 120 ? s.toFixed(s < 10 ? 1 : 0) + ' s' : s < 3600 ? (s / 60).toFixed(1) + ' min' : (s / 3600).toFixed(1) + ' h';
}

function time(millis) {
  return new Date(millis).toLocaleTimeString([], {hour12: false}) + '.' + String(millis % 1000).padStart(3, '0');
}

// ------------------------------------------------------------------ the tree

function nodeFor(node) {
  const known = nodes.get(node.path);
  if (known) return known.li;
  const li = el('li', {'data-path': node.path, 'data-kind': node.kind});
  const card = el('div', {'class': 'node'});
  const head = el('div', {'class': 'head'});
  head.append(el('span', {'class': 'child-name'}, node.name), ' ',
      el('span', {'class': 'kind'}, node.kind === 'supervisor' ? node.strategy
        : node.kind === 'entities' ? 'keyed set' : 'component'), ' ',
      el('span', {'class': 'state'}), ' ', el('span', {'class': 'uptime', 'title': 'uptime of this incarnation'}));
  card.append(head);
  const figures = el('div', {'class': 'figures'});
  figures.append(figure('restarts', 'restarts', 'restarts in all'));
  if (node.kind === 'component') {
    figures.append(figure('window', 'restart window', 'restarts in the window of its restart limit, of the limit'),
        el('meter', {'class': 'window-meter', 'min': '0', 'max': '1', 'value': '0', 'low': '0.5', 'high': '0.8',
          'optimum': '0'}),
        figure('mailbox', 'mailbox', 'messages waiting, of its capacity'),
        el('meter', {'class': 'mailbox-meter', 'min': '0', 'max': '1', 'value': '0', 'low': '0.5', 'high': '0.8',
          'optimum': '0'}),
        figure('handled', 'handled', 'messages handled in all'),
        figure('dead', 'dead letters', 'messages that will not be handled, in all'),
        el('span', {'class': 'breakers'}));
  }
  if (node.kind === 'entities') {
    figures.append(figure('active', 'active', 'keyed components alive, of the most allowed at once'),
        figure('restarting', 'restarting', 'keyed components waiting out a restart delay'),
        figure('waiting', 'waiting', 'keys with messages waiting for their component to start'),
        figure('activations', 'activations', 'keyed components started since the set started'),
        figure('passivations', 'passivations', 'keyed components passivated since the set started'));
  }
  card.append(figures);
  const actions = el('div', {'class': 'actions'});
  if (node.kind === 'component') {
    actions.append(actionButton('crash', 'Crash', '/api/components/crash', node.path,
        'Crash ' + node.path + '?\n\nA crash command goes through its mailbox; its supervisor restarts it '
        + '(with the siblings its strategy names) and the restart counts against its limit.'));
    if (node.hangable) {
      actions.append(actionButton('hang', 'Hang', '/api/components/hang', node.path,
          'Hang ' + node.path + '?\n\nIts next message never completes; its health check notices and restarts it.'));
    }
  }
  actions.append(actionButton('restart', 'Restart', '/api/children/restart', node.path, node.path === rootPath
      ? 'Restart the whole tree (' + node.path + ')?\n\nEach of its children restarts, in start order.'
      : 'Restart ' + node.path + '?\n\nA fresh incarnation, whatever its state; a FAILED child comes back.'));
  card.append(actions);
  li.append(card);
  if (node.kind === 'supervisor') li.append(el('ul', {'class': 'children'}));
  nodes.set(node.path, {li, node});
  return li;
}

function figure(cls, label, title) {
  const f = el('span', {'class': 'figure', 'title': title});
  f.append(el('span', {'class': 'label'}, label + ' '), el('span', {'class': cls}));
  return f;
}

function actionButton(action, label, url, path, question) {
  const b = el('button', {'type': 'button', 'class': 'action', 'data-action': action, 'data-path': path}, label);
  b.disabled = !actionsEnabled;
  if (!actionsEnabled) b.title = 'read-only: reactor-supervisor.dashboard.actions-enabled is off';
  b.addEventListener('click', async () => {
    if (!confirm(question)) {
      statusLine.textContent = label + ' of ' + path + ' cancelled';
      return;
    }
    const res = await fetch(url + '?path=' + encodeURIComponent(path), {method: 'POST', headers: ACTION_HEADERS});
    statusLine.textContent = res.ok ? label + ' sent to ' + path : await problem(res);
    scheduleRefresh();
  });
  return b;
}

function update(li, node) {
  const q = c => li.querySelector(':scope > .node .' + c);
  const card = li.querySelector(':scope > .node');
  card.dataset.state = node.state;
  const state = q('state');
  state.textContent = node.state;
  state.dataset.state = node.state;
  q('uptime').textContent = node.state === 'RUNNING' ? 'up ' + seconds(node.uptimeMillis) : '';
  q('restarts').textContent = node.restarts;
  if (node.kind === 'entities') {
    const e = node.entities;
    q('active').textContent = e.active + (e.maxActive != null ? ' / ' + e.maxActive : '');
    q('restarting').textContent = e.restarting;
    q('waiting').textContent = e.waiting;
    q('activations').textContent = e.activations;
    q('passivations').textContent = e.passivations;
    return;
  }
  if (node.kind !== 'component') return;
  const limit = node.restartLimit;
  const used = node.restartsInWindow;
  // a FAILED component reached its limit: its supervisor gave up on it, whatever the window holds now
  const gaveUp = node.state === 'FAILED' && limit;
  q('window').textContent = !limit ? 'unlimited' : gaveUp
    ? 'limit reached (' + limit.maxRestarts + ' in ' + seconds(limit.withinMillis) + ')'
    : used + ' / ' + limit.maxRestarts + ' in ' + seconds(limit.withinMillis);
  const wm = q('window-meter');
  wm.max = limit ? limit.maxRestarts : 1;
  wm.value = !limit ? 0 : gaveUp ? limit.maxRestarts : used;
  wm.hidden = !limit;
  const capacity = node.mailboxCapacity;
  q('mailbox').textContent = node.mailboxDepth + (capacity ? ' / ' + capacity : ' (unbounded)');
  const mm = q('mailbox-meter');
  mm.max = capacity || 1;
  mm.value = capacity ? node.mailboxDepth : 0;
  mm.hidden = !capacity;
  q('handled').textContent = node.handled;
  q('dead').textContent = node.deadLetters;
  const breakers = q('breakers');
  breakers.textContent = '';
  for (const [name, b] of Object.entries(node.breakers || {})) {
    breakers.append(el('span', {'class': 'breaker', 'data-breaker': name, 'data-state': b.state}, name + ': ' + b.state),
        el('span', {'class': 'failure-rate', 'data-breaker': name}, b.failureRate < 0
          ? b.bufferedCalls + ' calls, too few for a rate'
          : b.failureRate.toFixed(1) + '% of ' + b.bufferedCalls + ' calls failed'));
  }
}

function render(node, ul, seen) {
  const li = nodeFor(node);
  update(li, node);
  ul.append(li); // keeps start order; moving an existing element is cheap
  seen.add(node.path);
  for (const child of node.children || []) render(child, li.querySelector(':scope > ul.children'), seen);
}

async function refresh() {
  refreshScheduled = false;
  try {
    const [treeRes, shopRes] = await Promise.all([
      fetch('/api/tree', {cache: 'no-store'}), fetch('/api/shop', {cache: 'no-store'})]);
    if (!treeRes.ok) return;
    const seen = new Set();
    render(await treeRes.json(), treeRoot, seen);
    for (const [path, {li}] of nodes) {
      if (!seen.has(path)) { li.remove(); nodes.delete(path); }
    }
    updatePathFilter([...seen]);
    if (shopRes.ok) showOrders(await shopRes.json());
  } catch (e) {
    statusLine.textContent = 'cannot read the tree: ' + e;
  }
}

function scheduleRefresh() {
  if (!refreshScheduled) {
    refreshScheduled = true;
    setTimeout(refresh, 20); // one re-read for a burst of events
  }
}

function showOrders(shop) {
  pricingOutage = shop.pricingOutage;
  document.getElementById('outage').textContent = 'Pricing outage: ' + (pricingOutage ? 'on' : 'off');
  const dl = document.getElementById('orders');
  dl.textContent = '';
  for (const k of ['accepted', 'rejected', 'quarantined', 'stored', 'degraded', 'breaker']) {
    dl.append(el('dt', {}, k), el('dd', {'data-count': k}, String(shop[k])));
  }
}

// ------------------------------------------------------------------ the charts

// the samples the charts show, kept here: each second the page asks only for the new ones
const history = {times: [], components: [], series: {}};

async function refreshCharts() {
  try {
    const last = history.times.length ? history.times[history.times.length - 1] : null;
    const res = await fetch('/api/metrics' + (last === null ? '' : '?since=' + last), {cache: 'no-store'});
    if (!res.ok) return;
    append(await res.json());
    for (const figureEl of document.querySelectorAll('figure.chart')) {
      drawChart(figureEl, history.times, history.components, history.series[figureEl.dataset.series] || {});
    }
  } catch (e) {
    // the next tick tries again
  }
}

/** Appends new samples; a component new to the page gets zeros before; samples older than the window drop out. */
function append(m) {
  const before = history.times.length;
  history.times.push(...m.times);
  for (const p of m.components) {
    if (!history.components.includes(p)) history.components.push(p);
  }
  history.components.sort();
  for (const [name, byPath] of Object.entries(m.series)) {
    const mine = history.series[name] || (history.series[name] = {});
    for (const p of history.components) {
      const values = mine[p] || (mine[p] = new Array(before).fill(0));
      values.push(...(byPath[p] || new Array(m.times.length).fill(0)));
    }
  }
  const newest = history.times[history.times.length - 1];
  let drop = 0;
  while (drop < history.times.length && history.times[drop] <= newest - WINDOW_SECONDS) drop++;
  if (drop > 0) {
    history.times.splice(0, drop);
    for (const byPath of Object.values(history.series)) {
      for (const values of Object.values(byPath)) values.splice(0, drop);
    }
  }
}

function drawChart(figureEl, times, components, byPath) {
  const name = figureEl.dataset.series;
  const data = [times, ...components.map(p => byPath[p] || times.map(() => 0))];
  let chart = charts.get(name);
  if (chart && chart.components.join() !== components.join()) {
    chart.plot.destroy();
    chart = null;
  }
  const plotEl = figureEl.querySelector('.plot');
  if (!chart) {
    const opts = {
      width: Math.max(plotEl.clientWidth, 200), height: 150,
      // the whole window, even before it has filled: the newest sample at the right edge
      scales: {x: {time: true, range: (u, min, max) => [max - WINDOW_SECONDS, max]},
        y: {range: (u, min, max) => [0, Math.max(max, 1)]}},
      axes: [{}, {size: 40}],
      legend: {live: false},
      series: [{}, ...components.map((p, i) => ({
        label: p.substring(p.lastIndexOf('/') + 1), stroke: SERIES_COLORS[i % SERIES_COLORS.length], width: 1.5,
        value: (u, v) => v == null ? '-' : v.toFixed(2)}))],
    };
    chart = {plot: new uPlot(opts, data, plotEl), components: [...components]};
    charts.set(name, chart);
  } else {
    chart.plot.setData(data);
  }
  // what the chart shows, as counts over its window: rate times step, summed
  const totals = figureEl.querySelector('.totals');
  totals.textContent = '';
  let any = false;
  components.forEach((p, c) => {
    const rates = data[c + 1];
    let count = 0;
    for (let i = 0; i < rates.length; i++) count += rates[i] * (i > 0 ? times[i] - times[i - 1] : 1);
    count = Math.round(count);
    if (count > 0) {
      totals.append(any ? ' · ' : 'in the window: ', el('span', {'data-path': p, 'data-count': String(count)},
          p.substring(p.lastIndexOf('/') + 1) + ' ' + count));
      any = true;
    }
  });
  if (!any) totals.textContent = 'none in the window';
}

window.addEventListener('resize', () => {
  for (const [name, chart] of charts) {
    const plotEl = document.querySelector('#chart-' + name + ' .plot');
    chart.plot.setSize({width: Math.max(plotEl.clientWidth, 200), height: 150});
  }
});

// ------------------------------------------------------------------ the event log

function updatePathFilter(paths) {
  const known = new Set([...filterPath.options].map(o => o.value));
  for (const p of paths) {
    if (!known.has(p)) filterPath.append(el('option', {'value': p}, p));
  }
}

function shown(li) {
  return (!filterPath.value || li.dataset.path === filterPath.value || li.dataset.path.startsWith(filterPath.value + '/'))
      && (!filterKind.value || li.dataset.type === filterKind.value);
}

function applyFilters() {
  let visible = 0;
  for (const li of eventList.children) {
    li.hidden = !shown(li);
    if (!li.hidden) visible++;
  }
  document.getElementById('filter-count').textContent = visible + ' of ' + eventList.children.length + ' shown';
}

function addEvent(ev) {
  const li = el('li', {'data-type': ev.type, 'data-path': ev.path});
  if (ev.directive) li.dataset.directive = ev.directive; // RESUME: rejected, the component carried on
  li.append(el('time', {}, time(ev.timeMillis)), ' ', el('code', {}, ev.path), ' ',
      el('span', {'class': 'kind'}, ev.type), ' ', el('span', {'class': 'summary'}, ev.summary));
  li.hidden = !shown(li);
  eventList.prepend(li);
  while (eventList.children.length > MAX_EVENTS) eventList.lastChild.remove();
}

// ------------------------------------------------------------------ dead letters

async function refreshDeadLetters() {
  deadLettersScheduled = false;
  try {
    const res = await fetch('/api/dead-letters?limit=' + MAX_DEAD_LETTERS, {cache: 'no-store'});
    if (!res.ok) return;
    const letters = await res.json();
    const newest = deadLetterList.firstElementChild ? Number(deadLetterList.firstElementChild.dataset.id) : 0;
    for (const d of letters.filter(d => d.id > newest).reverse()) deadLetterList.prepend(deadLetter(d));
    while (deadLetterList.children.length > MAX_DEAD_LETTERS) deadLetterList.lastChild.remove();
    if (!deadLetterList.children.length) deadLetterList.append(el('li', {'class': 'none', 'data-id': '0'}, 'none'));
    else deadLetterList.querySelector('li.none')?.remove();
  } catch (e) {
    // the next dead letter tries again
  }
}

function deadLetter(d) {
  const li = el('li', {'data-id': String(d.id), 'data-path': d.path, 'data-reason': d.reason});
  const details = el('details');
  const summary = el('summary');
  summary.append(el('time', {}, time(d.timeMillis)), ' ', el('code', {}, d.path), ' ',
      el('span', {'class': 'reason'}, d.reason), ' ', el('span', {'class': 'message'}, d.message));
  const dl = el('dl');
  for (const [k, v] of [['component', d.path], ['reason', d.reason], ['cause', d.cause || 'none'],
    ['message', d.message], ['time', new Date(d.timeMillis).toISOString()]]) {
    dl.append(el('dt', {}, k), el('dd', {'data-field': k}, v));
  }
  details.append(summary, dl);
  li.append(details);
  return li;
}

function scheduleDeadLetters() {
  if (!deadLettersScheduled) {
    deadLettersScheduled = true;
    setTimeout(refreshDeadLetters, 100);
  }
}

// ------------------------------------------------------------------ the rest

async function problem(res) {
  try {
    const p = await res.json();
    return res.status + ' ' + (p.title || '') + ': ' + (p.detail || '');
  } catch (e) {
    return res.status + ' ' + res.statusText;
  }
}

function connect() {
  const connection = document.getElementById('connection');
  const source = new EventSource('/api/events');
  source.onopen = () => {
    connection.textContent = 'live';
    connection.dataset.status = 'live';
    eventList.textContent = ''; // the server replays the recent events to every new subscriber
    scheduleRefresh();
    scheduleDeadLetters();
  };
  source.onmessage = message => {
    const ev = JSON.parse(message.data);
    addEvent(ev);
    applyFilters();
    if (ev.type === 'DeadLetter') scheduleDeadLetters();
    scheduleRefresh();
  };
  source.onerror = () => {
    connection.textContent = 'reconnecting…';
    connection.dataset.status = 'reconnecting';
  };
}

document.getElementById('order-form').addEventListener('submit', async e => {
  e.preventDefault();
  const res = await fetch('/api/orders', {method: 'POST', headers: {'Content-Type': 'text/plain'},
    body: document.getElementById('order-line').value});
  replyLine.textContent = res.ok ? 'order ' + (await res.json()).outcome : await problem(res);
});

document.getElementById('quote-form').addEventListener('submit', async e => {
  e.preventDefault();
  const sku = document.getElementById('quote-sku').value;
  const res = await fetch('/api/quote/' + encodeURIComponent(sku));
  if (res.ok) {
    const q = await res.json();
    replyLine.textContent = q.sku + ': ' + q.cents + ' cents' + (q.degraded ? ' (list price)' : '');
  } else {
    replyLine.textContent = await problem(res);
  }
});

document.getElementById('outage').addEventListener('click', async () => {
  const question = pricingOutage ? 'End the pricing outage?' : 'Start a pricing outage?\n\nEvery call to the pricing '
      + 'backend fails until you end it; its breaker opens and price falls back to list prices.';
  if (!confirm(question)) return;
  const res = await fetch('/api/faults/pricing-outage?down=' + !pricingOutage, {method: 'POST',
    headers: ACTION_HEADERS});
  if (!res.ok) statusLine.textContent = await problem(res);
  scheduleRefresh();
});

filterPath.addEventListener('change', applyFilters);
filterKind.addEventListener('change', applyFilters);
for (const k of KINDS) filterKind.append(el('option', {'value': k}, k));

async function start() {
  try {
    const res = await fetch('/api/config', {cache: 'no-store'});
    const config = await res.json();
    actionsEnabled = config.actionsEnabled === true;
    rootPath = config.root;
  } catch (e) {
    actionsEnabled = false;
  }
  const mode = document.getElementById('actions-mode');
  mode.dataset.enabled = String(actionsEnabled);
  mode.textContent = actionsEnabled ? 'actions enabled' : 'read-only';
  mode.title = actionsEnabled ? 'crash, hang and restart ask for confirmation'
      : 'set reactor-supervisor.dashboard.actions-enabled=true to crash, hang or restart from here';
  document.getElementById('outage').disabled = !actionsEnabled;
  connect();
  refresh();
  refreshCharts();
  setInterval(refresh, 1000);
  setInterval(refreshCharts, 1000);
}

start();
