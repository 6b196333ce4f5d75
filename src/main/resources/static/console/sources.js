// Sources: provider, tenant, authentication (never a secret), allow-list, rate limit, recent refusals.
'use strict';

function authText(a) {
  const parts = [a.type];
  if (a.header) parts.push('header ' + a.header);
  if (a.queryParam) parts.push('query ' + a.queryParam);
  if (a.algorithm) parts.push(a.algorithm);
  if (a.encoding) parts.push(a.encoding);
  if (a.prefix) parts.push('prefix ' + a.prefix);
  if (a.username) parts.push('user ' + a.username);
  if (a.type !== 'none') parts.push(a.secrets + (a.secrets === 1 ? ' secret' : ' secrets'));
  return parts.join(', ');
}

consolePage(async () => {
  const page = await (await api('/api/v1/sources')).json();
  fill('sources', page.items, [
    (row, s) => cell(row, s.id),
    (row, s) => cell(row, s.webhookUrls.join('\n')).className = 'lines',
    (row, s) => cell(row, (s.tenant || '') + (s.tenantFrom === 'config' ? ' (always)' : s.tenant ? ' (unless the payload names one)' : '')),
    (row, s) => cell(row, authText(s.auth)),
    (row, s) => cell(row, s.allowedIps.concat(s.allowedIpPresets.map(p => p + ' (published ranges)')).join(', ') || 'any'),
    (row, s) => cell(row, s.rateLimit > 0 ? s.rateLimit + '/s' : 'none'),
    (row, s) => cell(row, s.rejected),
  ]);
  fill('refusals', page.items.flatMap(s => s.recentRejections).sort((a, b) => b.at.localeCompare(a.at)), [
    (row, r) => cell(row, r.at),
    (row, r) => cell(row, r.source),
    (row, r) => cell(row, r.status),
    (row, r) => cell(row, r.reason),
    (row, r) => cell(row, r.client),
    (row, r) => cell(row, r.path),
  ]);
});
