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
  await loadVersions();
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

const CHANGES = ['UNCHANGED', 'CHANGED', 'ADDED', 'REMOVED', 'QUARANTINED', 'RELEASED'];

function provider() {
  return encodeURIComponent(document.getElementById('provider').value);
}

/** The live version, the candidate and its shadow on live traffic, and every change with who and when. */
async function loadVersions() {
  const state = await (await api('/api/v1/mappings/' + provider() + '/versions')).json();
  document.getElementById('live-version').textContent = 'live ' + state.liveVersion;
  document.getElementById('candidate-line').textContent = state.candidateVersion
      ? 'Candidate ' + state.candidateVersion + ': on live traffic so far, ' + summary(state.shadowOnLiveTraffic)
      : 'No candidate.';
  fill('changes', state.changes, [
    (row, c) => cell(row, c.at),
    (row, c) => cell(row, c.action),
    (row, c) => cell(row, c.version),
    (row, c) => cell(row, c.previous),
    (row, c) => cell(row, c.actor),
  ]);
}

function summary(report) {
  return report.payloads + ' payload(s): ' + CHANGES.map(c => report.events[c] + ' ' + c.toLowerCase()).join(', ');
}

function showShadow(title, report) {
  document.getElementById('shadow-box').hidden = false;
  document.getElementById('shadow-title').textContent = title + ': ' + report.payloads + ' payload(s)';
  fill('shadow-counts', [report], CHANGES.map(c => (row, r) => cell(row, r.events[c])));
  const examples = [];
  for (const change of CHANGES) {
    for (const e of (report.examples[change] || [])) {
      examples.push(Object.assign({change}, e));
    }
  }
  fill('shadow-examples', examples, [
    (row, e) => cell(row, e.change.toLowerCase()),
    (row, e) => cell(row, e.payload),
    (row, e) => cell(row, e.providerEvent),
    (row, e) => cell(row, e.reason ? e.reason
        : e.differences.map(d => d.path + ': ' + JSON.stringify(d.expected) + ' → ' + JSON.stringify(d.actual)).join('\n')),
  ]);
}

/** Calls a versions action; its problem, if any, shown; the versions shown again. */
async function act(path, method, body) {
  const response = await api('/api/v1/mappings/' + provider() + path,
      {method, headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  document.getElementById('versions-error').textContent = response.ok ? '' : (await response.json()).detail;
  if (response.ok && path !== '/candidate') {
    const view = await (await api('/api/v1/mappings/' + provider())).json();
    liveMapping = view.mapping;
    document.getElementById('mapping').value = liveMapping;
    markEdited();
  }
  await loadVersions();
  document.body.dataset.versioned = String(Number(document.body.dataset.versioned || 0) + 1);
  return response;
}

function instant(id) {
  const value = document.getElementById(id).value;
  return value ? new Date(value).toISOString() : null;
}

let replaying = null;

/** Shows a replay's progress until it ends; cancel stops it between two payloads. */
async function followReplay(id) {
  replaying = id;
  document.getElementById('replay-cancel').disabled = false;
  for (;;) {
    const p = await (await api('/api/v1/replays/' + encodeURIComponent(id))).json();
    document.getElementById('replay-status').textContent = (p.dryRun ? 'Dry run ' : 'Replay ') + p.status + ': '
        + p.processed + ' of ' + p.total + ' processed, ' + p.revised + (p.dryRun ? ' would be revised, ' : ' revised, ')
        + p.unchanged + ' unchanged, ' + p.quarantined + ' not made now, ' + p.failed + ' failed';
    fill('replay-examples', p.examples, [
      (row, e) => cell(row, e.key),
      (row, e) => cell(row, e.revision),
      (row, e) => cell(row, e.differences.map(d => d.path + ': ' + JSON.stringify(d.expected) + ' → ' + JSON.stringify(d.actual)).join('\n')),
    ]);
    if (p.status !== 'running') {
      document.getElementById('replay-cancel').disabled = true;
      document.body.dataset.replayed = p.status;
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
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
  const actor = () => ({actor: document.getElementById('actor').value || null});
  document.getElementById('propose').addEventListener('click', () =>
      act('/candidate', 'PUT', Object.assign(actor(), {mapping: document.getElementById('mapping').value})));
  document.getElementById('discard').addEventListener('click', () => act('/candidate', 'DELETE', actor()));
  document.getElementById('promote').addEventListener('click', () => act('/promote', 'POST', actor()));
  document.getElementById('rollback').addEventListener('click', () => act('/rollback', 'POST', actor()));
  document.getElementById('shadow-form').addEventListener('submit', async event => {
    event.preventDefault();
    const response = await api('/api/v1/mappings/' + provider() + '/candidate/shadow', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify({from: instant('shadow-from'), to: instant('shadow-to')})});
    const r = await response.json();
    document.getElementById('versions-error').textContent = response.ok ? '' : r.detail;
    if (response.ok) {
      showShadow('Over kept payloads', r);
    }
    document.body.dataset.shadowed = String(Number(document.body.dataset.shadowed || 0) + 1);
  });
  document.getElementById('replay-form').addEventListener('submit', async event => {
    event.preventDefault();
    const response = await api('/api/v1/replays', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({provider: document.getElementById('provider').value, from: instant('replay-from'),
        to: instant('replay-to'), dryRun: document.getElementById('replay-dry').checked,
        actor: document.getElementById('actor').value || null})});
    const r = await response.json();
    if (!response.ok) {
      document.getElementById('replay-status').textContent = r.detail;
      return;
    }
    await followReplay(r.id);
  });
  document.getElementById('replay-cancel').addEventListener('click', () =>
      api('/api/v1/replays/' + encodeURIComponent(replaying) + '/cancel', {method: 'POST'}));
  await loadProvider();
});
