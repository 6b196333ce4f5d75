// What every console page shares: the admin API with the session cookie (every change carrying the
// session's CSRF token), tables filled with text (never markup), logout. A page's own script calls
// consolePage(async () => { ... }) to run once the session is known.
'use strict';

let csrf = null;

async function api(path, options = {}) {
  const headers = Object.assign({'Accept': 'application/json'}, options.headers || {});
  if (options.method && options.method !== 'GET') {
    headers['X-CSRF-Token'] = csrf;
  }
  const response = await fetch(path, Object.assign({}, options, {headers, credentials: 'same-origin'}));
  if (response.status === 401) {
    location.assign('/console/login');
    throw new Error('logged out');
  }
  return response;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  row.appendChild(td);
  return td;
}

function fill(tableId, items, columns) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement('tr');
    for (const column of columns) {
      column(row, item);
    }
    body.appendChild(row);
  }
}

/** JSON (a value, or text that parses) indented for reading; anything else as it is. */
function pretty(text) {
  try {
    return JSON.stringify(typeof text === 'string' ? JSON.parse(text) : text, null, 2);
  } catch (notJson) {
    return String(text);
  }
}

/** The columns every subscriptions table starts with: id, url, types, and its state (paused, and why). */
const SUBSCRIPTION_COLUMNS = [
  (row, s) => cell(row, s.id),
  (row, s) => cell(row, s.url),
  (row, s) => cell(row, (s.types || []).join(', ') || '*'),
  (row, s) => {
    const td = cell(row, s.paused ? 'paused' + (s.pausedReason ? ' (' + s.pausedReason + ')' : '') : 'active');
    td.className = s.paused ? 'paused' : 'active';
  },
];

/** A button that runs {@code action} when clicked. */
function button(text, className, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.className = className;
  b.addEventListener('click', action);
  return b;
}

/** The bar every page has: the name, the pages, logout. */
function header() {
  const bar = document.querySelector('header');
  const title = document.createElement('h1');
  title.textContent = 'Tributary';
  const nav = document.createElement('nav');
  for (const [text, href] of [['Overview', '/console/'], ['Events', '/console/events.html'], ['Subscriptions', '/console/subscriptions.html'], ['Quarantine', '/console/quarantine.html'], ['Sources', '/console/sources.html'], ['Mapping playground', '/console/playground.html']]) {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = text;
    nav.appendChild(link);
  }
  const logout = document.createElement('button');
  logout.id = 'logout';
  logout.type = 'button';
  logout.textContent = 'Log out';
  bar.replaceChildren(title, nav, logout);
}

/** Runs a page's own start once the session's CSRF token is known; marks the body loaded after it. */
async function consolePage(startPage) {
  const session = await fetch('/console/session', {credentials: 'same-origin'});
  if (session.status !== 200) {
    location.assign('/console/login');
    return;
  }
  csrf = (await session.json()).csrf;
  header();
  document.getElementById('logout').addEventListener('click', async () => {
    await api('/console/logout', {method: 'POST'});
    location.assign('/console/login');
  });
  await startPage();
  document.body.dataset.loaded = 'true';
}
