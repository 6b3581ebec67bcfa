// The page of any listed domain, drawn from its shard (api/v2/domains/XX.json) as DomainPage draws the static
// pages of failing domains. Outside text only ever becomes text nodes.
(() => {
  'use strict';
  const root = document.getElementById('domain');
  if (!root) return;
  const status = document.getElementById('domain-status');
  const name = (new URLSearchParams(window.location.search).get('d') || '').trim().toLowerCase().replace(/\.$/, '');
  const element = (tag, attributes, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    node.append(...children);
    return node;
  };
  const day = (text) => element('time', { datetime: text.slice(0, 10) }, text.slice(0, 10));
  const codes = (list) => list.flatMap((code) => [element('code', {}, code), ' ']);
  const verdicts = { passed: 'passed', failed: 'failed', inconclusive: 'inconclusive (the vantage was unhealthy)' };
  const section = (id, title, ...children) => element('section', { 'aria-labelledby': id }, element('h2', { id }, title), ...children);

  const facts = (entry) => {
    const list = element('dl', { class: 'facts' });
    const fact = (label, ...value) => list.append(element('dt', {}, label), element('dd', {}, ...value));
    fact('Mode', entry.mode || "unknown (the entry's alias is missing)");
    fact('MX patterns', entry.mxs.length === 0 ? 'none'
      : element('ul', { class: 'plain' }, ...entry.mxs.map((mx) => element('li', {}, element('code', {}, mx)))));
    if (entry.alias !== null) fact('Policy alias', element('code', {}, entry.alias));
    const since = (label, value) => fact(label, ...(value === null ? ["not in the list's committed history yet"]
      : [entry.since_is_upper_bound ? 'before ' : '', day(value)]));
    since('Listed since', entry.listed_since);
    since('In this mode since', entry.mode_since);
    list.append(element('dt', {}, 'Last audit'), element('dd', { class: 'verdict-' + entry.verdict }, verdicts[entry.verdict] || 'not audited yet'));
    return list;
  };

  const audits = (entry, days) => {
    if (entry.audits.length === 0) return section('audits', 'Last audits', element('p', {}, 'No audit in the last ' + days + ' days.'));
    const rows = entry.audits.map((audit) => element('tr', {},
      element('td', {}, day(audit.time)),
      element('td', {}, audit.vantage || '—'),
      element('td', {}, !audit.trusted ? verdicts.inconclusive : audit.passed ? 'passed' : 'failed'),
      element('td', {}, ...codes(audit.errors))));
    const head = element('tr', {}, ...['Date', 'Vantage', 'Result', 'Errors'].map((title) => element('th', { scope: 'col' }, title)));
    return section('audits', 'Last audits', element('table', {}, element('thead', {}, head), element('tbody', {}, ...rows)));
  };

  const findings = (entry, remedies) => {
    const order = { error: 0, warning: 1, info: 2 };
    const items = [...entry.findings]
      .sort((a, b) => order[a.severity] - order[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map((finding) => {
        const item = element('li', { class: finding.severity }, element('code', {}, finding.code), ' ', element('strong', {}, finding.severity),
          ': ' + finding.summary + '.', element('br'), element('span', { class: 'message' }, finding.message));
        if (remedies[finding.code]) item.append(element('br'), element('span', { class: 'remedy' }, 'What to do: ' + remedies[finding.code]));
        return item;
      });
    return items.length === 0 ? [] : [section('findings', 'What the last audit found', element('ul', { class: 'findings' }, ...items))];
  };

  const timeline = (entry, days) => {
    const length = (run) => Math.round((Date.parse(run.to) - Date.parse(run.from)) / 86400000) + 1;
    const sum = (keep) => entry.timeline.filter(keep).reduce((total, run) => total + length(run), 0);
    const runs = entry.timeline.map((run) => {
      const count = length(run);
      const words = [day(run.from), ...(count > 1 ? [' to ', day(run.to)] : []),
        ': ' + run.state.replace('_', ' ') + ' (' + count + ' day' + (count === 1 ? '' : 's') + ')'];
      return element('li', { class: 'day-' + run.state, style: 'flex-grow:' + count }, element('span', {}, ...words));
    });
    const legend = ['passed', 'failed', 'disputed', 'inconclusive', 'not_audited']
      .map((state) => element('li', {}, element('span', { class: 'day-' + state }), state.replace('_', ' ')));
    return section('timeline', 'The last ' + days + ' days',
      element('p', {}, 'Passed on ' + sum((run) => run.state === 'passed') + ' of ' + sum((run) => run.state !== 'not_audited') + ' audited days.'),
      element('ol', { class: 'timeline' }, ...runs),
      element('ul', { class: 'legend', 'aria-hidden': 'true' }, ...legend));
  };

  const change = (entry) => {
    const listPath = root.dataset.listPath;
    const text = element('p', {}, 'Entries change by pull request to ', element('code', {}, listPath));
    const repository = root.dataset.repository;
    if (repository) {
      text.append(' in ', element('a', { href: repository }, 'the repository'), ': ',
        element('a', { href: repository + '/edit/main/' + listPath }, 'edit the list on GitHub'),
        ' (search it for ', element('code', {}, '"' + entry.domain + '"'), ')');
    }
    text.append('. Or from a clone:');
    const commands = 'policyctl remove ' + entry.domain + '\npolicyctl add ' + entry.domain
      + (entry.mode === 'enforce' ? ' --mode enforce' : ' --mode testing') + ' --from-mta-sts';
    return section('change', 'Change or remove this entry', text, element('pre', {}, element('code', {}, commands)),
      element('p', {}, "The pull request's checks probe the domain and ask for proof that you control it."));
  };

  const show = (shard) => {
    const entry = shard.domains.find((candidate) => candidate.domain.toLowerCase() === name);
    if (!entry) {
      status.textContent = name ? name + ' is not in the list.' : 'No domain was named: open this page from the search.';
      return;
    }
    const days = Number(root.dataset.days);
    document.title = entry.domain + ' — ' + document.title.replace(/^[^—]*— /, '');
    root.replaceChildren(element('h1', {}, entry.domain), facts(entry), audits(entry, days), ...findings(entry, shard.remedies || {}),
      timeline(entry, days), change(entry));
  };

  if (name.length === 0) {
    show({ domains: [] });
    return;
  }
  fetch(root.dataset.api + encodeURIComponent(name.slice(0, 2).replace(/\./g, '_')) + '.json')
    .then((response) => (response.ok ? response.json() : { domains: [] }))
    .then(show, () => { status.textContent = 'The list could not be loaded.'; });
})();
