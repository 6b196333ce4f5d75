// The console's overview: reads the admin API with the session cookie; every change carries the
// session's CSRF token. Values are put in the page as text, never as markup.
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

async function subscriptions() {
  const page = await (await api('/api/v1/subscriptions')).json();
  fill('subscriptions', page.items, [
    (row, s) => cell(row, s.id),
    (row, s) => cell(row, s.url),
    (row, s) => cell(row, (s.types || []).join(', ') || '*'),
    (row, s) => { const td = cell(row, s.paused ? 'paused' + (s.pausedReason ? ' (' + s.pausedReason + ')' : '') : 'active');
                  td.className = s.paused ? 'paused' : 'active'; },
    (row, s) => {
      const td = cell(row, '');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = s.paused ? 'Resume' : 'Pause';
      button.className = s.paused ? 'resume' : 'pause';
      button.addEventListener('click', async () => {
        await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + (s.paused ? '/resume' : '/pause'), {method: 'POST'});
        await subscriptions();
      });
      td.appendChild(button);
    },
  ]);
}

async function quarantine() {
  const page = await (await api('/api/v1/quarantine?limit=50')).json();
  document.getElementById('quarantine-count').textContent = '(' + page.items.length + (page.items.length === 50 ? '+' : '') + ')';
  fill('quarantine', page.items, [
    (row, q) => cell(row, q.receivedAt),
    (row, q) => cell(row, q.provider),
    (row, q) => cell(row, q.sourceId),
    (row, q) => cell(row, q.reason),
    (row, q) => cell(row, q.id),
  ]);
}

async function rejections() {
  const page = await (await api('/api/v1/rejections?limit=20')).json();
  fill('rejections', page.items, [
    (row, r) => cell(row, r.at),
    (row, r) => cell(row, r.source),
    (row, r) => cell(row, r.status),
    (row, r) => cell(row, r.reason),
    (row, r) => cell(row, r.client),
  ]);
}

async function start() {
  const session = await fetch('/console/session', {credentials: 'same-origin'});
  if (session.status !== 200) {
    location.assign('/console/login');
    return;
  }
  csrf = (await session.json()).csrf;
  document.getElementById('logout').addEventListener('click', async () => {
    await api('/console/logout', {method: 'POST'});
    location.assign('/console/login');
  });
  await Promise.all([subscriptions(), quarantine(), rejections()]);
  document.body.dataset.loaded = 'true';
}

start();
