import { hcmV3, tcpProxyV3, tlsV3, routeV3, type listenerV3 } from '@minipilot/envoy-api';
import type { EnvoyResources } from '../resources.js';
import { findListener, listenerInspectors } from './listener-match.js';
import { selectFilterChain, type ConnectionFacts } from './filter-chain-match.js';
import { selectVirtualHost } from './virtual-host-match.js';
import { routeMatches } from './route-match.js';
import { normalizeSimulationRequest, type NormalizedRequest, type SimulationRequest } from './request.js';
import type { SimulationResult } from './result.js';
import { isExtension, typedConfigOf } from './typed-config.js';
import { configRefOf, describeRouteMatch } from '../describe/describe-config.js';

const HCM_NAMES = ['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager'];
const TCP_PROXY_NAMES = ['envoy.filters.network.tcp_proxy', 'envoy.tcp_proxy'];

/** What Envoy's listener filters let the filter-chain match see of this connection. */
function connectionFacts(listener: listenerV3.Listener, req: NormalizedRequest): ConnectionFacts {
  const inspect = listenerInspectors(listener, req.port);
  const tls = req.tls !== 'none';
  let alpn: readonly string[] = [];
  if (tls && inspect.tls) alpn = req.alpn;
  else if (!tls && inspect.http && req.protocol !== 'tcp') alpn = [req.protocol === 'http' ? 'http/1.1' : 'h2c'];
  return {
    address: req.address,
    port: req.port,
    transportProtocol: tls && inspect.tls ? 'tls' : 'raw_buffer',
    alpn,
    ...(req.sni !== undefined ? { sni: req.sni } : {}),
  };
}

/** The chain's DownstreamTlsContext, when its transport socket terminates TLS. */
function downstreamTls(chain: listenerV3.FilterChain): tlsV3.DownstreamTlsContext | undefined {
  return chain.transportSocket ? typedConfigOf(chain.transportSocket, tlsV3.DownstreamTlsContextSchema) : undefined;
}

/** Records a route's destination: one cluster, every weighted candidate, or the cluster a header names. */
function routeDestination(action: routeV3.RouteAction, req: NormalizedRequest, out: SimulationResult): void {
  const spec = action.clusterSpecifier;
  if (spec.case === 'cluster') out.cluster = spec.value;
  else if (spec.case === 'weightedClusters') out.clusters = spec.value.clusters.map((c) => ({ name: c.name, weight: c.weight ?? 0 }));
  else if (spec.case === 'clusterHeader') setName(out, 'cluster', req.headers.get(spec.value.toLowerCase()));
}

/** Sets a name field of the result only when the resource has a non-empty name. */
function setName(out: SimulationResult, key: 'listener' | 'filterChain' | 'routeConfig' | 'virtualHost' | 'route' | 'cluster', name: string | undefined): void {
  if (name) out[key] = name;
}

/** Records a tcp_proxy's destination: one cluster or every weighted candidate. */
function tcpDestination(tcp: tcpProxyV3.TcpProxy, out: SimulationResult): void {
  const spec = tcp.clusterSpecifier;
  if (spec.case === 'weightedClusters') out.clusters = spec.value.clusters.map((c) => ({ name: c.name, weight: c.weight }));
  else if (spec.case === 'cluster') setName(out, 'cluster', spec.value);
}

/** Runs the HTTP part: route configuration, virtual host, route, cluster. Mutates `out`. */
function simulateHttp(res: EnvoyResources, hcm: hcmV3.HttpConnectionManager, req: NormalizedRequest, terminatedTls: boolean, out: SimulationResult): void {
  if (req.protocol === 'tcp' || (req.tls !== 'none' && !terminatedTls)) { out.error = 'protocol error'; return; }
  const h2 = req.protocol !== 'http';
  if ((hcm.codecType === hcmV3.HttpConnectionManager_CodecType.HTTP1 && h2) || (hcm.codecType === hcmV3.HttpConnectionManager_CodecType.HTTP2 && !h2)) {
    out.error = 'protocol error';
    return;
  }
  let rc: routeV3.RouteConfiguration | undefined;
  if (hcm.routeSpecifier.case === 'routeConfig') rc = hcm.routeSpecifier.value;
  else if (hcm.routeSpecifier.case === 'rds') {
    const name = hcm.routeSpecifier.value.routeConfigName;
    rc = res.routes.find((r) => r.name === name);
    setName(out, 'routeConfig', name);
  }
  if (rc) setName(out, 'routeConfig', rc.name);
  const stripPort = (rc?.ignorePortInHostMatching ?? false) || hcm.stripPortMode.case === 'stripAnyHostPort'
    || (hcm.stripMatchingHostPort && req.authority.endsWith(`:${req.port}`));
  const vh = selectVirtualHost(rc?.virtualHosts ?? [], req.authority, stripPort);
  if (!vh) { out.error = 'no virtual host'; return; }
  setName(out, 'virtualHost', vh.name);
  const external = req.headers.get('x-envoy-internal') !== 'true';
  if (req.tls === 'none' && (vh.requireTls === routeV3.VirtualHost_TlsRequirementType.ALL
    || (vh.requireTls === routeV3.VirtualHost_TlsRequirementType.EXTERNAL_ONLY && external))) {
    out.error = 'tls required';
    return;
  }
  const route = vh.routes.find((r) => routeMatches(r, req));
  if (!route) { out.error = 'no route'; return; }
  setName(out, 'route', route.name);
  const match = describeRouteMatch(route.match, { headers: true });
  if (match) out.match = match;
  const vs = configRefOf(route.metadata);
  if (vs?.kind === 'virtual-service') out.virtualService = `${vs.namespace}/${vs.name}`;
  if (route.action.case === 'route') routeDestination(route.action.value, req, out);
}

/**
 * Runs one request through a proxy's Envoy configuration the way Envoy matches it, and reports the
 * listener, filter chain, route configuration, virtual host, route and cluster(s) it reaches (see
 * {@link SimulationResult}). Works on any Envoy config, not only minipilot's output.
 *
 * Steps: listener by address/port; listener filters (tls_inspector reveals SNI/ALPN, http_inspector
 * sets ALPN `http/1.1`/`h2c` for plaintext HTTP); the filter-chain sieve; TLS checks (a TLS chain
 * refuses plaintext with `invalid tls`, one requiring a client certificate refuses non-mTLS with
 * `invalid mtls`); then tcp_proxy → cluster, or the HTTP connection manager → route configuration
 * (inline or RDS) → virtual host → route → cluster. Redirect and direct-response routes report the
 * route and no cluster.
 */
export function simulateRequest(resources: EnvoyResources, request: SimulationRequest): SimulationResult {
  const req = normalizeSimulationRequest(request);
  const out: SimulationResult = {};
  const match = findListener(resources.listeners, req);
  if (!match) return { error: 'no listener' };
  setName(out, 'listener', match.listener.name);
  if (match.kind === 'api') {
    simulateHttp(resources, match.hcm, req, req.tls !== 'none', out);
    return out;
  }
  const selected = selectFilterChain(match.listener, connectionFacts(match.listener, req));
  if ('error' in selected) return { ...out, error: selected.error };
  const chain = selected.chain;
  setName(out, 'filterChain', chain.name);
  const tls = downstreamTls(chain);
  if (tls && req.tls === 'none') return { ...out, error: 'invalid tls' };
  if (tls?.requireClientCertificate === true && req.tls !== 'mtls') return { ...out, error: 'invalid mtls' };
  for (const f of chain.filters) {
    if (isExtension(f, HCM_NAMES, hcmV3.HttpConnectionManagerSchema)) {
      const hcm = typedConfigOf(f, hcmV3.HttpConnectionManagerSchema);
      if (!hcm) break;
      simulateHttp(resources, hcm, req, tls !== undefined, out);
      return out;
    }
    if (isExtension(f, TCP_PROXY_NAMES, tcpProxyV3.TcpProxySchema)) {
      const tcp = typedConfigOf(f, tcpProxyV3.TcpProxySchema);
      if (!tcp) break;
      tcpDestination(tcp, out);
      const vs = configRefOf(chain.metadata);
      if (vs?.kind === 'virtual-service') out.virtualService = `${vs.namespace}/${vs.name}`;
      return out;
    }
  }
  return { ...out, error: 'protocol error' };
}
