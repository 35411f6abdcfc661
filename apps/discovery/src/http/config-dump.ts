import { ProxyIdError, resourcesToJson } from '@minipilot/translation';
import { envoyConfigDumpJson } from '../debug-xds/config-dump-messages.js';
import { lookupProxyConfig, type ProxyConfig, type ProxyConfigState } from '../debug-xds/proxy-config-lookup.js';
import type { Handler } from './monitoring-server.js';

/** `key=value,key2=value2` → labels; undefined when malformed. */
function parseLabelList(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const entry of text.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return labels;
}

/**
 * `/debug/config_dump?proxyID=<node id | pod.namespace>[&labels=k=v,...][&format=resources]`:
 * what a connected proxy gets, or, for a proxy that is not connected (or when `labels` are given),
 * what it would get, translated on demand from the current push context. Envoy's admin ConfigDump
 * by default; `format=resources` gives the per-type lists (`{"proxy","connected","listeners",...}`).
 */
export function configDumpHandler(s: ProxyConfigState): Handler {
  return (url) => {
    const id = url.searchParams.get('proxyID') ?? '';
    if (!id) return { status: 400, body: { error: 'proxyID is required: ?proxyID=<node id or pod.namespace>[&labels=app=reviews,version=v1]; see /debug/syncz for connected proxies' } };
    const labelText = url.searchParams.get('labels');
    const labels = labelText === null ? undefined : parseLabelList(labelText);
    if (labelText !== null && !labels) return { status: 400, body: { error: `labels ${JSON.stringify(labelText)}: expected key=value,key2=value2` } };
    let found: ProxyConfig;
    try {
      found = lookupProxyConfig(s, id, labels);
    } catch (e) {
      if (e instanceof ProxyIdError) return { status: 400, body: { error: `proxyID: ${e.message}` } };
      throw e;
    }
    if (url.searchParams.get('format') === 'resources') return { proxy: found.proxy.id, connected: found.connected, ...resourcesToJson(found.resources) };
    return envoyConfigDumpJson(found.resources, found.versions);
  };
}
