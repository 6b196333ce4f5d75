// Events: a search on the API's indexed criteria, newest first, a page at a time.
'use strict';

let next = null;

function criteria() {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(document.getElementById('search'))) {
    if (String(value).trim() !== '') {
      query.set(name, String(value).trim());
    }
  }
  return query;
}

async function find(more) {
  const query = criteria();
  query.set('limit', '50');
  if (more && next) {
    query.set('cursor', next);
  }
  const response = await api('/api/v1/events?' + query);
  const problem = document.getElementById('problem');
  if (response.status !== 200) {
    problem.textContent = (await response.json()).detail || 'The search was refused.';
    problem.hidden = false;
    return;
  }
  problem.hidden = true;
  const page = await response.json();
  const body = document.querySelector('#events tbody');
  if (!more) {
    body.replaceChildren();
  }
  for (const e of page.items) {
    const row = document.createElement('tr');
    cell(row, e.recordedAt);
    cell(row, e.type);
    cell(row, e.provider);
    cell(row, e.source);
    cell(row, e.tenant);
    cell(row, e.subject);
    const link = document.createElement('a');
    link.href = '/console/event.html?key=' + encodeURIComponent(e.key);
    link.textContent = e.key;
    cell(row, '').appendChild(link);
    body.appendChild(row);
  }
  next = page.next;
  document.getElementById('more').hidden = !next;
}

consolePage(async () => {
  const form = document.getElementById('search');
  const given = new URLSearchParams(location.search);
  for (const input of form.elements) {
    if (input.name && given.has(input.name)) {
      input.value = given.get(input.name);
    }
  }
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    document.body.dataset.loaded = 'false';
    await find(false);
    document.body.dataset.loaded = 'true';
  });
  document.getElementById('more').addEventListener('click', () => find(true));
  await find(false);
});
