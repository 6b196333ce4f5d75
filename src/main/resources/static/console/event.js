// One event: the canonical event beside the provider's payload and headers, and every delivery with its attempts.
'use strict';

/** A time span for people: 850 ms, 4.2 s, 5 min, 2.5 h. */
function since(ms) {
  return ms < 1000 ? Math.max(0, Math.round(ms)) + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s'
      : ms < 3600000 ? Math.round(ms / 60000) + ' min' : (ms / 3600000).toFixed(1) + ' h';
}

/** The attempts on a line from acceptance to the last one: a mark each, green for 2xx, red otherwise. */
function timeline(attempts, accepted) {
  const line = document.createElement('div');
  line.className = 'timeline';
  const last = Math.max(1, ...attempts.map(a => Date.parse(a.at) - accepted));
  for (const a of attempts) {
    const mark = document.createElement('span');
    const ok = a.status != null && a.status >= 200 && a.status < 300;
    mark.className = 'attempt ' + (ok ? 'ok' : 'failed');
    mark.style.left = (100 * (Date.parse(a.at) - accepted) / last) + '%';
    mark.title = '#' + a.number + ' after ' + since(Date.parse(a.at) - accepted) + ': ' + (a.status != null ? a.status : a.error);
    line.appendChild(mark);
  }
  return line;
}

consolePage(async () => {
  const key = new URLSearchParams(location.search).get('key');
  document.getElementById('key').textContent = key;
  const response = await api('/api/v1/events/' + encodeURIComponent(key));
  if (response.status !== 200) {
    document.getElementById('canonical').textContent = 'No such event.';
    return;
  }
  const stored = await response.json();
  document.getElementById('canonical').textContent = pretty(stored.event);
  document.getElementById('payload').textContent = pretty(stored.payload !== undefined ? stored.payload : stored.body);
  document.getElementById('headers').textContent = pretty(stored.headers);

  const deliveries = await (await api('/api/v1/events/' + encodeURIComponent(key) + '/deliveries')).json();
  const box = document.getElementById('deliveries');
  box.replaceChildren();
  if (deliveries.items.length === 0) {
    box.textContent = 'No subscription asked for this event.';
  }
  for (const d of deliveries.items) {
    const block = document.createElement('div');
    block.className = 'delivery';
    const title = document.createElement('h3');
    title.textContent = d.subscriptionId + ': ' + d.status + (d.held ? ' (held' + (d.heldReason ? ': ' + d.heldReason : '') + ')' : '');
    block.appendChild(title);
    block.appendChild(timeline(d.attempts, Date.parse(stored.receivedAt)));
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const name of ['#', 'at', 'after acceptance', 'status', 'duration', 'response', 'error']) {
      const th = document.createElement('th');
      th.textContent = name;
      head.appendChild(th);
    }
    const body = document.createElement('tbody');
    for (const a of d.attempts) {
      const row = document.createElement('tr');
      cell(row, a.number);
      cell(row, a.at);
      cell(row, since(Date.parse(a.at) - Date.parse(stored.receivedAt)));
      cell(row, a.status);
      cell(row, a.responseDurationMs != null ? a.responseDurationMs + ' ms' : '');
      cell(row, a.response);
      cell(row, a.error);
      body.appendChild(row);
    }
    table.appendChild(body);
    block.appendChild(table);
    box.appendChild(block);
  }
});
