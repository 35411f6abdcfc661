import { html, nothing, type TemplateResult } from 'lit';
import type { ConfigState, PushRecord, SyncEntry } from './api.js';
import { SYNC_TYPES, syncState } from './sync-status.js';
import type { ClusterNode, ListenerNode } from './routing-tree.js';

const short = (typeUrl: string): string => typeUrl.split('.').pop() ?? typeUrl;

/** Connected proxies, one row each, with the sync state per xDS type; clicking a row selects the proxy. */
export function proxiesView(entries: readonly SyncEntry[], selected: string | undefined, select: (id: string) => void): TemplateResult {
  if (entries.length === 0) return html`<p class="muted" data-testid="no-proxies">no proxy connected</p>`;
  return html`<table data-testid="proxies">
    <tr><th>proxy</th><th>type</th>${SYNC_TYPES.map((t) => html`<th>${t.label}</th>`)}<th>NACK</th></tr>
    ${entries.map((e) => {
      const states = SYNC_TYPES.map((t) => syncState(e, t));
      const nack = states.find((s) => s.message)?.message;
      return html`<tr class="proxy ${e.node_id === selected ? 'selected' : ''}" data-proxy=${e.node_id} @click=${() => select(e.node_id)}>
        <td>${e.proxy}</td><td>${e.proxy_type}</td>
        ${states.map((s) => html`<td class=${s.state.replace(' ', '-')}>${s.state}</td>`)}
        <td class="error">${nack ?? ''}</td></tr>`;
    })}
  </table>`;
}

/** Config objects by kind, and the problems of the withheld or broken ones. */
export function configView(c: ConfigState): TemplateResult {
  const byKind = new Map<string, number>();
  for (const o of c.objects) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
  return html`<p data-testid="objects">${[...byKind].sort().map(([k, n]) => html`<span>${k} ${n}</span> · `)}${c.objects.length} objects</p>
    ${c.problems.length === 0 ? html`<p class="muted" data-testid="no-problems">no config problems</p>` : html`<ul data-testid="problems">
      ${c.problems.map((p) => html`<li class=${p.severity}>${p.text}</li>`)}</ul>`}`;
}

function clusterView(c: ClusterNode): TemplateResult {
  return html`<li class="cluster" data-cluster=${c.name} data-weight=${c.weight}><span class="weight">${c.weight}%</span> → <code>${c.name}</code>
    <span class="muted">${c.endpoints.length ? c.endpoints.join(', ') : 'no endpoints'}</span></li>`;
}

/** The chosen proxy's routing: listener → route configuration → virtual host → route → weighted clusters → endpoints. */
export function routingView(tree: readonly ListenerNode[]): TemplateResult {
  return html`<ul class="tree" data-testid="routing">${tree.filter((l) => l.chains.length > 0).map((l) => html`<li><b>listener ${l.name}</b><ul>
    ${l.chains.map((ch) => html`<li>${ch.routeConfig !== undefined ? html`route config <code>${ch.routeConfig}</code>` : ch.clusters ? 'tcp' : 'inline routes'}<ul>
      ${(ch.clusters ?? []).map(clusterView)}
      ${(ch.virtualHosts ?? []).map((vh) => html`<li>virtual host <code>${vh.name}</code> <span class="muted">${vh.domains.slice(0, 3).join(', ')}</span><ul>
        ${vh.routes.map((r) => html`<li>route <code>${r.match}</code> ${r.virtualService ? html`<span class="muted">(VirtualService ${r.virtualService})</span>` : nothing} ${r.other ?? ''}
          <ul>${r.clusters.map(clusterView)}</ul></li>`)}
      </ul></li>`)}
    </ul></li>`)}
  </ul></li>`)}</ul>`;
}

/** The chosen proxy's recent pushes, ACKs and NACKs, newest first. */
export function pushesView(records: readonly PushRecord[]): TemplateResult {
  return html`<table data-testid="pushes"><tr><th>time</th><th>event</th><th>type</th><th>version</th><th></th></tr>
    ${[...records].reverse().map((r) => html`<tr><td>${r.at.slice(11, 23)}</td><td class=${r.kind === 'nack' ? 'error' : ''}>${r.kind}</td><td>${short(r.typeUrl)}</td><td><code>${r.version}</code></td>
      <td>${r.kind === 'send' ? `${r.resources ?? 0} resources, ${r.bytes ?? 0} bytes` : r.message ?? ''}</td></tr>`)}</table>`;
}
