import { html, render } from 'lit';
import { getJson, type ConfigState, type ProxyResources, type PushRecord, type SyncEntry } from './api.js';
import { routingTree } from './routing-tree.js';
import { configView, proxiesView, pushesView, routingView } from './views.js';

/** How often the page polls the debug endpoints (it updates live). */
const POLL_MS = 1000;

let selected: string | undefined = new URLSearchParams(location.search).get('proxy') ?? undefined;
let error = '';

async function refresh(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const [proxies, config] = await Promise.all([getJson<SyncEntry[]>('/debug/syncz'), getJson<ConfigState>('/debug/configz')]);
    if (!selected || !proxies.some((p) => p.node_id === selected)) selected = proxies[0]?.node_id;
    const id = selected ? encodeURIComponent(selected) : undefined;
    const [resources, pushes] = id
      ? await Promise.all([getJson<ProxyResources>(`/debug/config_dump?proxyID=${id}&format=resources`), getJson<PushRecord[]>(`/debug/pushz?proxyID=${id}`)])
      : [undefined, []];
    error = '';
    render(html`<h1>minipilot</h1>
      <h2>Proxies</h2>${proxiesView(proxies, selected, (p) => { selected = p; void refresh(); })}
      <h2>Config</h2>${configView(config)}
      ${resources ? html`<h2>Routing of <code data-testid="selected">${selected}</code></h2>${routingView(routingTree(resources))}
        <h2>Recent pushes</h2>${pushesView(pushes)}` : ''}
      <p class="muted">updated ${new Date().toLocaleTimeString()}</p>`, root);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    render(html`<h1>minipilot</h1><p class="error" data-testid="unreachable">cannot reach the server: ${error}</p>`, root);
  }
}

document.getElementById('app')!.textContent = ''; // lit renders into an empty container
void refresh();
setInterval(() => { void refresh(); }, POLL_MS);
