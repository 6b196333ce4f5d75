// Subscriptions: health, create and edit with a live check, pause, resume, test event, rotate secret,
// delete, and each one's dead letters with replay.
'use strict';

let editing = null;   // the id of the subscription in the editor, or null for a new one
let deadOf = null;    // the subscription whose dead letters show
let samples = [];

function list(text) {
  return text.split(',').map(s => s.trim()).filter(s => s.length > 0);
}

function headersOf(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers[line.substring(0, colon).trim()] = line.substring(colon + 1).trim();
    }
  }
  return headers;
}

function draft() {
  const form = document.getElementById('subscription-form');
  return {
    url: form.url.value.trim(),
    types: list(form.types.value),
    providers: list(form.providers.value),
    tenants: list(form.tenants.value),
    filter: form.filter.value.trim() || null,
    format: form.format.value,
    headers: headersOf(form.headers.value),
  };
}

function say(text) {
  document.getElementById('message').textContent = text;
}

function showSecret(s) {
  document.getElementById('secret-of').textContent = s.id;
  document.getElementById('secret').textContent = s.secret;
  document.getElementById('secret-box').hidden = false;
}

async function subscriptions() {
  const page = await (await api('/api/v1/subscriptions')).json();
  fill('subscriptions', page.items, [
    ...SUBSCRIPTION_COLUMNS,
    (row, s) => cell(row, s.health.successRate == null ? '' : Math.round(s.health.successRate * 100) + ' % of '
        + (s.health.succeeded + s.health.exhausted)),
    (row, s) => cell(row, s.health.consecutiveFailures),
    (row, s) => cell(row, s.health.held),
    (row, s) => cell(row, s.health.deadLetters),
    (row, s) => {
      const td = cell(row, '');
      td.className = 'actions';
      td.append(
        s.paused ? button('Resume', 'resume', () => change(s, '/resume', 'Resumed'))
                 : button('Pause', 'pause', () => change(s, '/pause', 'Paused')),
        button('Edit', 'edit', () => edit(s)),
        button('Send test event', 'test', () => sendTest(s)),
        button('Dead letters', 'dead', () => deadLetters(s.id)),
        button('Rotate secret', 'rotate', () => rotate(s)),
        button('Delete', 'delete', () => remove(s)));
    },
  ]);
  return page.items;
}

async function change(s, action, done) {
  const response = await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + action, {method: 'POST'});
  const body = await response.json();
  say(response.status === 200 ? done + ' ' + s.id + (body.released ? ': ' + body.released + ' held deliveries sent' : '')
      + (body.replayed ? ', ' + body.replayed + ' dead letters replayed' : '') : body.detail);
  await refresh();
}

async function sendTest(s) {
  const response = await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + '/test', {method: 'POST'});
  const body = await response.json();
  const message = document.getElementById('message');
  message.replaceChildren();
  if (response.status !== 202) {
    message.textContent = body.detail;
    return;
  }
  message.append('Test event sent to ' + s.id + (s.paused ? ' (held: the subscription is paused)' : '') + ': ');
  const link = document.createElement('a');
  link.href = '/console/event.html?key=' + encodeURIComponent(body.event);
  link.id = 'test-event';
  link.textContent = 'see its delivery';
  message.appendChild(link);
}

async function rotate(s) {
  if (!confirm('Rotate the signing secret of ' + s.id + '? The old one keeps signing during its grace period.')) {
    return;
  }
  const response = await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + '/rotate-secret', {method: 'POST'});
  showSecret(await response.json());
}

async function remove(s) {
  if (!confirm('Delete ' + s.id + '? Its pending deliveries are not sent.')) {
    return;
  }
  const response = await api('/api/v1/subscriptions/' + encodeURIComponent(s.id), {method: 'DELETE'});
  say(response.status === 204 ? 'Deleted ' + s.id : (await response.json()).detail);
  await refresh();
}

function edit(s) {
  editing = s ? s.id : null;
  const form = document.getElementById('subscription-form');
  document.getElementById('editor').hidden = false;
  document.getElementById('editor-title').textContent = s ? 'Edit ' + s.id : 'New subscription';
  document.getElementById('form-error').textContent = '';
  form.url.value = s ? s.url : '';
  form.types.value = s ? s.types.join(', ') : '';
  form.providers.value = s ? s.providers.join(', ') : '';
  form.tenants.value = s ? s.tenants.join(', ') : '';
  form.filter.value = s && s.filter ? s.filter : '';
  form.format.value = s ? s.format : 'structured';
  form.headers.value = s ? Object.entries(s.headers).map(([k, v]) => k + ': ' + v).join('\n') : '';
  check();
  document.getElementById('editor').scrollIntoView();
}

async function save(event) {
  event.preventDefault();
  const body = draft();
  if (editing) {
    const current = await (await api('/api/v1/subscriptions/' + encodeURIComponent(editing))).json();
    body.paused = current.paused; // a redacted header value sent back keeps the stored one
  }
  const response = await api(editing ? '/api/v1/subscriptions/' + encodeURIComponent(editing) : '/api/v1/subscriptions',
      {method: editing ? 'PUT' : 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  const answer = await response.json();
  if (response.status !== 200 && response.status !== 201) {
    document.getElementById('form-error').textContent = answer.detail;
    return;
  }
  if (response.status === 201) {
    showSecret(answer);
  }
  say((editing ? 'Saved ' : 'Created ') + answer.id);
  document.getElementById('editor').hidden = true;
  editing = null;
  await refresh();
}

let checkTimer = null;

/** The live check: would the subscription as written get the sample (or pasted) event? */
function check() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const out = document.getElementById('check');
    const pasted = document.getElementById('check-event').value.trim();
    const request = {subscription: draft()};
    if (pasted) {
      try {
        request.event = JSON.parse(pasted);
      } catch (e) {
        out.textContent = 'The pasted event is not JSON.';
        out.className = 'check no';
        return;
      }
    } else {
      request.sample = document.getElementById('sample').value;
    }
    const response = await api('/api/v1/subscriptions/check',
        {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(request)});
    const r = await response.json();
    if (response.status !== 200) {
      out.textContent = r.detail;
      out.className = 'check no';
      return;
    }
    out.className = 'check ' + (r.matches ? 'yes' : 'no');
    out.textContent = r.matches ? 'Gets this event.'
        : !r.attributes ? 'Does not get this event: its types, providers or tenants leave it out.'
        : r.filterError ? 'The filter ' + r.filterError + ' (a live event would be held, not dropped).'
        : 'Does not get this event: the filter gives ' + JSON.stringify(r.filterResult) + ', not true.';
  }, 250);
}

async function deadLetters(id) {
  deadOf = id;
  const section = document.getElementById('dead-section');
  section.hidden = false;
  document.getElementById('dead-of').textContent = id;
  const [page, s] = await Promise.all([
    api('/api/v1/dead-letters?subscription=' + encodeURIComponent(id) + '&limit=200').then(r => r.json()),
    api('/api/v1/subscriptions/' + encodeURIComponent(id)).then(r => r.json())]);
  document.getElementById('resume-replay').hidden = !s.paused;
  fill('dead-letters', page.items, [
    (row, d) => {
      const link = document.createElement('a');
      link.href = '/console/event.html?key=' + encodeURIComponent(d.eventId);
      link.textContent = d.eventId;
      cell(row, '').appendChild(link);
    },
    (row, d) => cell(row, d.event ? d.event.type : ''),
    (row, d) => cell(row, d.deadAt),
    (row, d) => cell(row, d.delivery ? d.delivery.attemptCount : ''),
    (row, d) => cell(row, d.reason),
    (row, d) => cell(row, '').appendChild(button('Replay', 'replay', async () => {
      const response = await api('/api/v1/dead-letters/' + d.id.split('/').map(encodeURIComponent).join('/') + '/replay', {method: 'POST'});
      document.getElementById('dead-result').textContent = response.status === 200 ? 'Replayed ' + d.eventId
          : (await response.json()).detail;
      await refresh();
    })),
  ]);
  section.scrollIntoView();
}

async function refresh() {
  await subscriptions();
  if (deadOf) {
    await deadLetters(deadOf);
  }
}

consolePage(async () => {
  samples = (await (await api('/api/v1/samples')).json()).items;
  const select = document.getElementById('sample');
  for (const sample of samples) {
    const option = document.createElement('option');
    option.value = sample.name;
    option.textContent = sample.name + ' (' + sample.event.type + ')';
    select.appendChild(option);
  }
  document.getElementById('new').addEventListener('click', () => edit(null));
  document.getElementById('cancel').addEventListener('click', () => { document.getElementById('editor').hidden = true; });
  document.getElementById('subscription-form').addEventListener('submit', save);
  document.getElementById('subscription-form').addEventListener('input', check);
  document.getElementById('subscription-form').addEventListener('change', check);
  select.addEventListener('change', check);
  document.getElementById('check-event').addEventListener('input', check);
  document.getElementById('replay-dead').addEventListener('click', async () => {
    const response = await api('/api/v1/dead-letters/replay?subscription=' + encodeURIComponent(deadOf), {method: 'POST'});
    const body = await response.json();
    document.getElementById('dead-result').textContent = response.status === 200 ? body.replayed + ' replayed' : body.detail;
    await refresh();
  });
  document.getElementById('resume-replay').addEventListener('click', async () => {
    await change({id: deadOf}, '/resume?replayDeadLetters=true', 'Resumed');
  });
  await subscriptions();
  const id = new URLSearchParams(location.search).get('id');
  if (id) {
    await deadLetters(id);
  }
});
