// The overview: what needs a look now, charts of the last hour or day, subscriptions (pause, resume),
// recent rejections.
'use strict';

let windowName = '1h';

/** Each bucket's start in the window, and the series of one key (provider, type) in it. */
function seriesBy(stats, key, limit) {
  const starts = [];
  const from = Date.parse(stats.from);
  const buckets = Math.round((stats.window === '1h' ? 3600 : 86400) / stats.bucketSeconds);
  for (let i = 0; i < buckets; i++) {
    starts.push(from + i * stats.bucketSeconds * 1000);
  }
  const index = new Map(starts.map((s, i) => [s, i]));
  const byName = new Map();
  for (const c of stats.events) {
    const name = c[key];
    if (!byName.has(name)) {
      byName.set(name, new Array(buckets).fill(0));
    }
    const i = index.get(Date.parse(c.bucket));
    if (i !== undefined) {
      byName.get(name)[i] += c.count;
    }
  }
  let series = [...byName.entries()].map(([name, values]) => ({name, values, total: values.reduce((a, b) => a + b, 0)}))
      .sort((a, b) => b.total - a.total);
  if (series.length > limit) {
    const rest = series.slice(limit - 1);
    series = series.slice(0, limit - 1);
    series.push({name: 'other', values: starts.map((_, i) => rest.reduce((sum, s) => sum + s.values[i], 0)), color: '#9aa1ab'});
  }
  return {starts, index, series};
}

async function charts() {
  const stats = await (await api('/api/v1/stats?window=' + windowName)).json();
  const providers = seriesBy(stats, 'provider', 10);
  const types = seriesBy(stats, 'type', 10);
  const {starts, index} = providers;
  document.getElementById('bucket-note').textContent = '(a bar per ' + (stats.bucketSeconds === 60 ? 'minute' : stats.bucketSeconds / 60 + ' minutes') + ')';
  stackedBars(document.getElementById('by-provider'), starts, providers.series, stats.bucketSeconds, 'events');
  stackedBars(document.getElementById('by-type'), starts, types.series, stats.bucketSeconds, 'events');

  const succeeded = new Array(starts.length).fill(0);
  const exhausted = new Array(starts.length).fill(0);
  const average = new Array(starts.length).fill(0);
  const longest = new Array(starts.length).fill(null);
  for (const d of stats.deliveries) {
    const i = index.get(Date.parse(d.bucket));
    if (i === undefined) {
      continue;
    }
    succeeded[i] = d.succeeded;
    exhausted[i] = d.exhausted;
    average[i] = d.firstAttemptAvgMs || 0;
    longest[i] = d.firstAttemptMaxMs;
  }
  stackedBars(document.getElementById('deliveries'), starts, [
    {name: 'succeeded', values: succeeded, color: '#3c9d5d'},
    {name: 'retries ran out', values: exhausted, color: '#b8474a'}], stats.bucketSeconds, 'deliveries');
  stackedBars(document.getElementById('latency'), starts, [{name: 'average wait', values: average, color: '#2f6fb0'}],
      stats.bucketSeconds, 'ms', longest);

  const t = stats.totals;
  const ok = succeeded.reduce((a, b) => a + b, 0);
  const failed = exhausted.reduce((a, b) => a + b, 0);
  document.getElementById('tile-quarantined').textContent = t.quarantined;
  document.getElementById('tile-dead').textContent = t.deadLetters;
  document.getElementById('tile-held').textContent = t.held;
  document.getElementById('tile-paused').textContent = t.paused.length + ' of ' + t.subscriptions;
  document.getElementById('tile-events').textContent = stats.events.reduce((sum, c) => sum + c.count, 0);
  document.getElementById('tile-success').textContent = ok + failed === 0 ? '–' : Math.round(100 * ok / (ok + failed)) + ' %';
  for (const [id, alarm] of [['tile-quarantined', t.quarantined > 0], ['tile-dead', t.deadLetters > 0], ['tile-paused', t.paused.length > 0]]) {
    document.getElementById(id).parentElement.classList.toggle('alarm', alarm);
  }
}

async function subscriptions() {
  const page = await (await api('/api/v1/subscriptions')).json();
  fill('subscriptions', page.items, [
    ...SUBSCRIPTION_COLUMNS,
    (row, s) => cell(row, '').appendChild(s.paused
        ? button('Resume', 'resume', async () => { await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + '/resume', {method: 'POST'}); await subscriptions(); })
        : button('Pause', 'pause', async () => { await api('/api/v1/subscriptions/' + encodeURIComponent(s.id) + '/pause', {method: 'POST'}); await subscriptions(); })),
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

consolePage(async () => {
  for (const name of ['1h', '24h']) {
    document.getElementById('window-' + name).addEventListener('click', async () => {
      windowName = name;
      document.querySelectorAll('.window button').forEach(b => b.classList.toggle('selected', b.id === 'window-' + name));
      await charts();
    });
  }
  await Promise.all([charts(), subscriptions(), rejections()]);
});
