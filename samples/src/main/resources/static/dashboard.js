// The dashboard: renders GET /api/tree and re-reads it whenever GET /api/events (Server-Sent
// Events) reports something, and once a second for mailbox depths and uptimes, which change
// without events. No framework, no build step.
'use strict';

const tbody = document.querySelector('#tree tbody');
const rows = new Map();           // path -> <tr>
const eventList = document.getElementById('events');
const statusLine = document.getElementById('status');
const replyLine = document.getElementById('reply');
const MAX_EVENTS = 200;
let refreshScheduled = false;
let pricingOutage = false;

function el(tag, attributes, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function flatten(node, depth, out) {
  out.push({node, depth});
  for (const child of node.children || []) flatten(child, depth + 1, out);
  return out;
}

function rowFor(node, depth) {
  let tr = rows.get(node.path);
  if (tr) return tr;
  tr = el('tr', {'data-path': node.path, 'data-kind': node.kind});
  const name = el('td', {'class': 'name'});
  name.style.paddingLeft = (0.4 + depth * 1.4) + 'em';
  name.append(el('span', {'class': 'child-name'}, node.name));
  name.append(el('span', {'class': 'kind'}, node.kind === 'supervisor' ? ' ' + node.strategy : ''));
  tr.append(name);
  for (const c of ['state', 'restarts', 'mailbox', 'handled', 'dead', 'breakers', 'uptime']) {
    tr.append(el('td', {'class': c}));
  }
  const actions = el('td', {'class': 'actions'});
  if (node.kind === 'component') {
    actions.append(actionButton('crash', 'Crash', '/api/components/crash', node.path));
    if (node.hangable) actions.append(actionButton('hang', 'Hang', '/api/components/hang', node.path));
  }
  if (node.path.includes('/')) {
    actions.append(actionButton('restart', 'Restart', '/api/children/restart', node.path));
  }
  tr.append(actions);
  rows.set(node.path, tr);
  return tr;
}

function actionButton(action, label, url, path) {
  const b = el('button', {'type': 'button', 'data-action': action, 'data-path': path}, label);
  b.addEventListener('click', async () => {
    const res = await fetch(url + '?path=' + encodeURIComponent(path), {method: 'POST'});
    statusLine.textContent = res.ok ? label + ' sent to ' + path : await problem(res);
    scheduleRefresh();
  });
  return b;
}

function update(tr, node) {
  const cell = c => tr.querySelector('td.' + c);
  const state = cell('state');
  state.textContent = node.state;
  state.dataset.state = node.state;
  cell('restarts').textContent = node.restarts;
  cell('mailbox').textContent = node.mailboxDepth ?? '';
  cell('handled').textContent = node.handled ?? '';
  cell('dead').textContent = node.deadLetters ?? '';
  const breakers = Object.entries(node.circuitBreakers || {});
  const b = cell('breakers');
  b.textContent = '';
  for (const [name, s] of breakers) {
    b.append(el('span', {'class': 'breaker', 'data-breaker': name, 'data-state': s}, name + ': ' + s));
  }
  cell('uptime').textContent = node.state === 'RUNNING' ? (node.uptimeMillis / 1000).toFixed(1) + ' s' : '';
}

async function refresh() {
  refreshScheduled = false;
  try {
    const [treeRes, shopRes] = await Promise.all([
      fetch('/api/tree', {cache: 'no-store'}), fetch('/api/shop', {cache: 'no-store'})]);
    if (!treeRes.ok) return;
    const nodes = flatten(await treeRes.json(), 0, []);
    const seen = new Set();
    for (const {node, depth} of nodes) {
      const tr = rowFor(node, depth);
      update(tr, node);
      tbody.append(tr); // keeps rows in tree order; moving an existing row is cheap
      seen.add(node.path);
    }
    for (const [path, tr] of rows) {
      if (!seen.has(path)) { tr.remove(); rows.delete(path); }
    }
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

function addEvent(ev) {
  const li = el('li', {'data-type': ev.type, 'data-path': ev.path});
  if (ev.directive) li.dataset.directive = ev.directive; // RESUME: rejected, the component carried on
  li.append(el('time', {}, new Date(ev.timeMillis).toLocaleTimeString([], {hour12: false}) + '.'
      + String(ev.timeMillis % 1000).padStart(3, '0')));
  li.append(' ', el('code', {}, ev.path), ' ', el('span', {'class': 'summary'}, ev.summary));
  eventList.prepend(li);
  while (eventList.children.length > MAX_EVENTS) eventList.lastChild.remove();
}

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
  };
  source.onmessage = message => {
    addEvent(JSON.parse(message.data));
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
  await fetch('/api/faults/pricing-outage?down=' + !pricingOutage, {method: 'POST'});
  scheduleRefresh();
});

connect();
refresh();
setInterval(refresh, 1000);
