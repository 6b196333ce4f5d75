// One event: the canonical event beside the provider's payload and headers, and every delivery with its attempts.
'use strict';

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
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const name of ['#', 'at', 'status', 'duration', 'response', 'error']) {
      const th = document.createElement('th');
      th.textContent = name;
      head.appendChild(th);
    }
    const body = document.createElement('tbody');
    for (const a of d.attempts) {
      const row = document.createElement('tr');
      cell(row, a.number);
      cell(row, a.at);
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
