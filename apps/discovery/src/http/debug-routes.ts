import type { Registry } from 'prom-client';
import { TypeUrl } from '@minipilot/envoy-api';
import { formatProblem, type MeshConfig } from '@minipilot/config';
import type { ConfigSourceUpdate } from '@minipilot/config-sources';
import type { PushContext } from '@minipilot/translation';
import type { XdsServer, TypeStatus } from '@minipilot/xds-server';
import type { PushPipeline } from '@minipilot/push';
import type { Handler } from './monitoring-server.js';
import type { AppLogger } from '../logger.js';
import { REGISTRY_DESCRIPTIONS, registryRoutes } from './registry-routes.js';
import { OPERATOR_DESCRIPTIONS, operatorRoutes } from './operator-routes.js';
import { configDumpHandler } from './config-dump.js';
import { WEB_DESCRIPTIONS, webRoutes } from './web-routes.js';
import type { PushHistory } from './push-history.js';

/** What the debug endpoints read. */
export interface DebugState {
  isReady(): boolean;
  /** An extra line for the /ready body, e.g. the config source's connection state. */
  readinessDetail?(): string | undefined;
  readonly xds: XdsServer;
  readonly snapshots: PushPipeline;
  current(): ConfigSourceUpdate;
  push(): PushContext;
  readonly mesh: MeshConfig;
  readonly metrics: Registry;
  /** The root logger, for `/debug/loglevel`. */
  readonly logger?: AppLogger;
  /** Recent pushes per proxy, for `/debug/pushz` and the web page. */
  readonly history?: PushHistory;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/ready': 'readiness: 200 once config is loaded and xDS is listening, else 503; the body says how the config source is doing',
  '/metrics': 'Prometheus metrics (istiod names)',
  '/debug/list': 'this list',
  '/debug/adsz': 'connected ADS streams with per-type subscription, sent/acked/nacked versions',
  '/debug/syncz': "istiod's sync status per proxy: *_sent / *_acked versions per xDS type",
  '/debug/nackz': 'the most recent NACKs: proxy, type, nonce, version, error message',
  '/debug/configz': 'config objects served, and the problems of those withheld',
  '/debug/push_status': 'the current push context: services, virtual services, config problems',
  '/debug/config_dump': "Envoy's admin ConfigDump of what a proxy gets (?proxyID=<node id or pod.namespace>); translated on demand for a proxy that is not connected (&labels=app=x,version=v1); &format=resources for per-type lists",
  '/debug/mesh': 'the mesh config in force',
  '/debug/ca-root': "the CA's root certificate (PEM), what istio-ca-root-cert holds (when the secure port is on)",
};

/** The fixed route table of the monitoring server. */
export function debugRoutes(s: DebugState): Map<string, Handler> {
  const all = { ...DESCRIPTIONS, ...REGISTRY_DESCRIPTIONS, ...OPERATOR_DESCRIPTIONS, ...WEB_DESCRIPTIONS };
  return new Map<string, Handler>([...coreRoutes(s, all), ...registryRoutes(s), ...operatorRoutes(s.logger, all), ['/debug/config_dump', configDumpHandler(s)], ...webRoutes(s.history)]);
}

function coreRoutes(s: DebugState, descriptions: Readonly<Record<string, string>>): Map<string, Handler> {
  const version = (types: readonly TypeStatus[], url: string, field: 'sentVersion' | 'ackedVersion'): string => types.find((t) => t.typeUrl === url)?.[field] ?? '';
  return new Map<string, Handler>([
    ['/ready', () => {
      const detail = s.readinessDetail?.();
      const extra = detail ? `${detail}\n` : '';
      return s.isReady() ? { status: 200, body: `ready\n${extra}`, contentType: 'text/plain' } : { status: 503, body: `not ready: config not loaded yet\n${extra}`, contentType: 'text/plain' };
    }],
    ['/metrics', async () => ({ status: 200, body: await s.metrics.metrics(), contentType: s.metrics.contentType })],
    ['/debug/list', () => descriptions],
    ['/debug/adsz', () => ({ totalClients: s.xds.connections().length, views: s.snapshots.viewCount(), clients: s.xds.connections() })],
    ['/debug/syncz', () => s.xds.connections().map((c) => ({
      proxy: c.nodeId.split('~')[2] ?? c.nodeId,
      node_id: c.nodeId,
      proxy_type: c.nodeId.split('~')[0],
      stream: c.streamId,
      delta: c.delta,
      cluster_sent: version(c.types, TypeUrl.Cluster, 'sentVersion'),
      cluster_acked: version(c.types, TypeUrl.Cluster, 'ackedVersion'),
      listener_sent: version(c.types, TypeUrl.Listener, 'sentVersion'),
      listener_acked: version(c.types, TypeUrl.Listener, 'ackedVersion'),
      route_sent: version(c.types, TypeUrl.RouteConfiguration, 'sentVersion'),
      route_acked: version(c.types, TypeUrl.RouteConfiguration, 'ackedVersion'),
      endpoint_sent: version(c.types, TypeUrl.ClusterLoadAssignment, 'sentVersion'),
      endpoint_acked: version(c.types, TypeUrl.ClusterLoadAssignment, 'ackedVersion'),
      nacked: c.types.filter((t) => t.nacked).map((t) => ({ type: t.typeUrl, ...t.nacked })),
    }))],
    ['/debug/nackz', () => s.xds.nacks()],
    ['/debug/configz', () => ({
      objects: [...s.current().snapshot.objects.values()].map((o) => ({ kind: o.kind, apiVersion: o.apiVersion, namespace: o.metadata.namespace, name: o.metadata.name, origin: o.origin })),
      problems: s.current().problems.map((p) => ({ ...p, text: formatProblem(p) })),
    })],
    ['/debug/push_status', () => {
      const p = s.push();
      return {
        services: p.services.map((x) => ({ hostname: x.hostname, namespace: x.namespace, ports: x.ports, addresses: x.addresses, resolution: x.resolution })),
        virtualServices: p.virtualServices.map((v) => ({ name: `${v.config.metadata.namespace}/${v.config.metadata.name}`, hosts: v.hosts, gateways: v.gateways })),
        configErrors: s.current().problems.filter((x) => x.severity === 'error').map(formatProblem),
        configWarnings: s.current().problems.filter((x) => x.severity === 'warning').map(formatProblem),
      };
    }],
    ['/debug/mesh', () => s.mesh],
  ]);
}
