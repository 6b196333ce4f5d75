// The mapping playground: a provider, a golden sample or a pasted body, the live mapping or an edited
// one; the canonical event or the exact reason it is refused, and the differences from the expected file.
'use strict';

let liveMapping = '';

async function loadProvider() {
  const provider = document.getElementById('provider').value;
  const view = await (await api('/api/v1/mappings/' + encodeURIComponent(provider))).json();
  liveMapping = view.mapping;
  document.getElementById('mapping').value = liveMapping;
  const select = document.getElementById('sample');
  select.replaceChildren(new Option('(none: paste a body)', ''));
  for (const name of view.samples) {
    select.appendChild(new Option(name, name));
  }
  markEdited();
  const handed = sessionStorage.getItem('tributary.playground');
  if (handed) {
    // a quarantined payload, handed over by the quarantine page (never through the URL)
    sessionStorage.removeItem('tributary.playground');
    const payload = JSON.parse(handed);
    if (payload.provider === provider) {
      document.getElementById('body').value = payload.body;
      document.getElementById('event-key').value = payload.eventKey || '';
      await tryIt();
      return;
    }
  }
  if (view.samples.length > 0) {
    select.value = view.samples[0];
  }
  await loadSample();
}

async function loadSample() {
  const provider = document.getElementById('provider').value;
  const name = document.getElementById('sample').value;
  if (!name) {
    return;
  }
  const sample = await (await api('/api/v1/mappings/' + encodeURIComponent(provider) + '/samples/' + encodeURIComponent(name))).json();
  document.getElementById('body').value = sample.body;
  document.getElementById('event-key').value = sample.eventKey || '';
  await tryIt();
}

function markEdited() {
  document.getElementById('edited').textContent = document.getElementById('mapping').value === liveMapping ? '(live)' : '(edited, not live)';
}

async function tryIt() {
  const provider = document.getElementById('provider').value;
  const mapping = document.getElementById('mapping').value;
  const request = {
    body: document.getElementById('body').value,
    eventKey: document.getElementById('event-key').value || null,
    sample: document.getElementById('sample').value || null,
    mapping: mapping === liveMapping ? null : mapping,
  };
  const response = await api('/api/v1/mappings/' + encodeURIComponent(provider) + '/try',
      {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(request)});
  const r = await response.json();
  const outcome = document.getElementById('outcome');
  const reason = document.getElementById('reason');
  const box = document.getElementById('differences-box');
  if (response.status !== 200) {
    outcome.textContent = 'not tried';
    reason.textContent = r.detail;
    document.getElementById('result').textContent = '';
    box.hidden = true;
    return;
  }
  outcome.textContent = r.outcome === 'event' ? 'a canonical event' : r.outcome;
  reason.textContent = r.outcome === 'quarantined' ? r.reason + ': ' + r.detail
      : r.outcome === 'rejected' ? 'The webhook would answer ' + r.status + ': ' + r.detail : '';
  document.getElementById('result').textContent = pretty(r.outcome === 'event' ? r.event : r.actual);
  box.hidden = r.differences == null;
  if (r.differences != null) {
    const mark = document.getElementById('as-expected');
    mark.textContent = r.asExpected ? 'none: as expected' : r.differences.length + ' field(s)';
    mark.className = r.asExpected ? 'check yes' : 'check no';
    fill('differences', r.differences, [
      (row, d) => cell(row, d.path),
      (row, d) => cell(row, d.expected === null ? '(absent)' : JSON.stringify(d.expected)),
      (row, d) => cell(row, d.actual === null ? '(absent)' : JSON.stringify(d.actual)),
    ]);
  }
  document.body.dataset.tried = String(Number(document.body.dataset.tried || 0) + 1);
}

consolePage(async () => {
  const providers = (await (await api('/api/v1/mappings')).json()).providers;
  const select = document.getElementById('provider');
  for (const p of providers) {
    select.appendChild(new Option(p, p));
  }
  const wanted = new URLSearchParams(location.search).get('provider');
  if (wanted && providers.includes(wanted)) {
    select.value = wanted;
  }
  select.addEventListener('change', loadProvider);
  document.getElementById('sample').addEventListener('change', loadSample);
  document.getElementById('mapping').addEventListener('input', markEdited);
  document.getElementById('live').addEventListener('click', async () => {
    document.getElementById('mapping').value = liveMapping;
    markEdited();
    await tryIt();
  });
  document.getElementById('playground').addEventListener('submit', async event => {
    event.preventDefault();
    await tryIt();
  });
  await loadProvider();
});
