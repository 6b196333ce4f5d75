// The overview: subscriptions (pause, resume), quarantine, recent rejections.
'use strict';

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
    (row, q) => {
      const link = document.createElement('a');
      link.href = '/console/quarantine.html?key=' + encodeURIComponent(q.id);
      link.textContent = q.id;
      cell(row, '').appendChild(link);
    },
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

consolePage(() => Promise.all([subscriptions(), quarantine(), rejections()]));
