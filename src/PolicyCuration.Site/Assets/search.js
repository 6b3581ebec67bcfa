// The search over every listed domain. The index is split by the first two characters of a name
// (api/v2/domains/XX.json); only the shard a query needs is fetched, once. Results are built as text nodes.
(() => {
  'use strict';
  const input = document.getElementById('q');
  if (!input) return;
  const results = document.getElementById('results');
  const status = document.getElementById('search-status');
  const api = input.dataset.api;
  const page = (name) => 'domain.html?d=' + encodeURIComponent(name.toLowerCase());
  const shown = 25;
  const shards = new Map();
  const shardOf = (query) => query.slice(0, 2).replace(/\./g, '_');
  const load = (key) => {
    if (!shards.has(key)) {
      shards.set(key, fetch(api + encodeURIComponent(key) + '.json')
        .then((response) => (response.ok ? response.json() : { domains: [] }))
        .catch(() => ({ domains: [] })));
    }
    return shards.get(key);
  };
  let latest = 0;
  const search = async () => {
    const query = input.value.trim().toLowerCase().replace(/\.$/, '');
    const ticket = ++latest;
    if (query.length < 2) {
      results.replaceChildren();
      status.textContent = query ? 'Type at least two characters.' : '';
      return [];
    }
    const shard = await load(shardOf(query));
    if (ticket !== latest) return [];
    const found = shard.domains.filter((entry) => entry.domain.toLowerCase().startsWith(query));
    const items = found.slice(0, shown).map((entry) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = page(entry.domain);
      link.textContent = entry.domain;
      item.append(link, ' ' + (entry.mode || 'unknown mode') + ', last audit: ' + entry.verdict.replace('_', ' '));
      return item;
    });
    results.replaceChildren(...items);
    status.textContent = found.length === 0
      ? 'No listed domain starts with ' + query + '.'
      : found.length + (found.length === 1 ? ' listed domain' : ' listed domains') + (found.length > shown ? ', the first ' + shown + ' shown.' : '.');
    document.documentElement.dataset.searched = query;
    return found;
  };
  input.addEventListener('input', search);
  input.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const found = await search();
    const query = input.value.trim().toLowerCase().replace(/\.$/, '');
    const exact = found.find((entry) => entry.domain.toLowerCase() === query);
    if (exact) window.location.href = page(query);
  });
})();
