// The quarantine: groups by provider and reason with counts; a group's entries; one entry with its raw
// payload and why it failed; replay of one, or of a whole group with progress and a result per entry.
'use strict';

function query(params) {
  return Object.entries(params).filter(([, v]) => v).map(([k, v]) => k + '=' + encodeURIComponent(v)).join('&');
}

async function groups() {
  const page = await (await api('/api/v1/quarantine/groups')).json();
  fill('groups', page.items, [
    (row, g) => cell(row, g.provider),
    (row, g) => cell(row, g.reason),
    (row, g) => cell(row, g.count).className = 'number',
    (row, g) => cell(row, g.oldest),
    (row, g) => cell(row, g.newest),
    (row, g) => {
      const td = cell(row, '');
      td.appendChild(button('Show', 'show', () => entries(g.provider, g.reason)));
      td.appendChild(button('Replay all', 'replay-all', () => replayGroup(g.provider, g.reason)));
    },
  ]);
  if (page.items.length === 0) {
    const row = document.querySelector('#groups tbody').insertRow();
    cell(row, 'Nothing in quarantine.').colSpan = 6;
  }
}

async function entries(provider, reason) {
  document.getElementById('entries-section').hidden = false;
  document.getElementById('group').textContent = provider + ' / ' + reason;
  const page = await (await api('/api/v1/quarantine?' + query({provider, reason, limit: 100}))).json();
  fill('entries', page.items, [
    (row, q) => cell(row, q.receivedAt),
    (row, q) => cell(row, q.providerevent),
    (row, q) => cell(row, q.sourceId),
    (row, q) => cell(row, q.id),
    (row, q) => cell(row, '').appendChild(button('Open', 'open', () => entry(q.id))),
  ]);
}

async function entry(id) {
  const response = await api('/api/v1/quarantine/' + encodeURIComponent(id));
  const section = document.getElementById('entry-section');
  section.hidden = false;
  document.getElementById('entry-key').textContent = id;
  document.getElementById('replay-one-result').textContent = '';
  if (response.status !== 200) {
    document.getElementById('entry-reason').textContent = 'gone';
    document.getElementById('entry-detail').textContent = 'No longer in quarantine.';
    return;
  }
  const q = await response.json();
  document.getElementById('entry-reason').textContent = q.reason;
  document.getElementById('entry-detail').textContent = q.detail || '';
  document.getElementById('entry-payload').textContent = pretty(q.payload !== undefined ? q.payload : q.body);
  document.getElementById('entry-headers').textContent = pretty(q.headers);
  document.getElementById('to-playground').onclick = () => {
    sessionStorage.setItem('tributary.playground', JSON.stringify({provider: q.provider, eventKey: q.eventKey,
      body: q.payload !== undefined ? JSON.stringify(q.payload, null, 2) : q.body}));
    location.assign('/console/playground.html?provider=' + encodeURIComponent(q.provider));
  };
  document.getElementById('replay-one').onclick = async () => {
    const result = await replay(id);
    const out = document.getElementById('replay-one-result');
    out.replaceChildren();
    if (result.status === 'accepted') {
      out.append('Accepted: ');
      const link = document.createElement('a');
      link.href = '/console/event.html?key=' + encodeURIComponent(id);
      link.textContent = 'open the event';
      out.appendChild(link);
    } else {
      out.textContent = 'Still quarantined (' + result.reason + '): ' + (result.detail || '');
    }
    await groups();
  };
  section.scrollIntoView();
}

/** One replay: {status: accepted | quarantined | gone, reason, detail}. */
async function replay(id) {
  const response = await api('/api/v1/quarantine/' + encodeURIComponent(id) + '/replay', {method: 'POST'});
  const body = await response.json();
  if (response.status === 200) {
    return {status: 'accepted'};
  }
  if (response.status === 404) {
    return {status: 'gone', detail: body.detail};
  }
  return {status: response.status === 422 ? 'quarantined' : 'error', reason: body.reason, detail: body.detail};
}

/** Replays every entry of a group one by one, so progress and each result show as they come. */
async function replayGroup(provider, reason) {
  const section = document.getElementById('replay-section');
  section.hidden = false;
  const progress = document.getElementById('replay-progress');
  const bar = document.getElementById('replay-bar');
  const body = document.querySelector('#replay tbody');
  body.replaceChildren();
  const page = await (await api('/api/v1/quarantine?' + query({provider, reason, limit: 1000}))).json();
  const ids = page.items.map(q => q.id);
  bar.max = Math.max(1, ids.length);
  let done = 0;
  let accepted = 0;
  for (const id of ids) {
    const result = await replay(id);
    done++;
    if (result.status === 'accepted') {
      accepted++;
    }
    const row = document.createElement('tr');
    row.className = result.status;
    cell(row, id);
    cell(row, result.status);
    cell(row, result.reason);
    cell(row, result.detail);
    body.appendChild(row);
    bar.value = done;
    progress.textContent = provider + ' / ' + reason + ': ' + done + ' of ' + ids.length + ', ' + accepted + ' accepted';
  }
  progress.dataset.done = 'true';
  progress.textContent = provider + ' / ' + reason + ': ' + done + ' of ' + ids.length + ' replayed, ' + accepted + ' accepted'
      + (ids.length === 1000 ? ' (the first 1000; replay again for more)' : '');
  document.getElementById('entry-section').hidden = true;
  await groups();
  await entries(provider, reason);
}

consolePage(async () => {
  document.getElementById('reload').addEventListener('click', async () => {
    const response = await api('/api/v1/mappings/reload', {method: 'POST'});
    const body = await response.json();
    document.getElementById('reloaded').textContent = response.status === 200
        ? 'Reloaded: ' + body.providers.join(', ') : 'Not reloaded: ' + body.detail;
  });
  await groups();
  const key = new URLSearchParams(location.search).get('key');
  if (key) {
    await entry(key);
  }
});
