import { parseIp } from './simulate/ip.js';
import { localityFromLabels, NO_LOCALITY, withTopologyLabels } from './model/locality.js';
import type { Locality } from './model/service.js';

/** The kinds of proxy istiod distinguishes by the first field of the node id. */
export type ProxyType = 'sidecar' | 'router';

/**
 * What generators know about one proxy: parsed from the Envoy node id
 * (`sidecar~10.1.1.1~productpage-v1-abc.default~default.svc.cluster.local`) and node metadata.
 * This is the only per-proxy input to generators; two proxies with the same `configViewKey`
 * receive identical resources.
 */
export interface Proxy {
  readonly type: ProxyType;
  /** The node id as sent. */
  readonly id: string;
  /** First IP: from INSTANCE_IPS metadata, else the node id. */
  readonly ip: string;
  readonly ips: readonly string[];
  /** `<pod>.<namespace>` from the node id. */
  readonly podName: string;
  readonly namespace: string;
  /** DNS domain, e.g. `default.svc.cluster.local` (drives short virtual-host names). */
  readonly dnsDomain: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Node metadata as strings (NAMESPACE, LABELS, ISTIO_VERSION, GENERATOR, INTERCEPTION_MODE, ...). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `grpc` for proxyless gRPC clients (metadata GENERATOR: grpc), else `envoy`. */
  readonly generator: 'grpc' | 'envoy';
  /**
   * True when the proxy is Istio's istio-proxy build (metadata ISTIO_VERSION set): only then may
   * `istio.*` filters (metadata_exchange, alpn, stats) be sent. Stock Envoy NACKs them.
   */
  readonly istioProxy: boolean;
  /** `v4` (also with no IPs), `v6` when every IP is IPv6, `dual` when both occur. */
  readonly ipFamily: IpFamily;
  /** Node metadata IDLE_TIMEOUT (the default idle timeout of its TCP proxies), if set. */
  readonly idleTimeout?: string;
  /**
   * Where the proxy runs, as istiod's setTopologyLabels finds it: the workload's topology labels
   * (or `istio-locality`), else the Envoy node's `locality`. Drives locality load balancing (EDS
   * priorities and weights); its topology labels are also added to `labels`.
   */
  readonly locality: Locality;
  /** The Envoy node's own `locality` as sent (the fallback when the labels give none). */
  readonly nodeLocality: Locality;
}

/** The IP families of a proxy's addresses. */
export type IpFamily = 'v4' | 'v6' | 'dual';

/**
 * The part of a {@link Proxy} that the outbound ("scope") generators may read: everything but its
 * identity and addresses. Proxies whose views are equal and whose labels match the same selectors
 * of the push context (see `selectorSignature`) receive identical outbound resources, so the push
 * pipeline generates them once per scope and shares them; the compiler keeps a generator that takes
 * a ProxyView from reading the pod name or the IPs. The workload's own (inbound) resources take the
 * full Proxy.
 */
export type ProxyView = Pick<Proxy, 'type' | 'generator' | 'namespace' | 'dnsDomain' | 'labels' | 'istioProxy' | 'ipFamily' | 'idleTimeout' | 'locality'>;

/** Input to {@link parseProxy}: an Envoy Node as JSON-like values. */
export interface ProxyNodeInput {
  readonly id: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Extra labels (e.g. from `--labels`), merged over metadata LABELS. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The Envoy node's `locality` (region, zone, sub_zone), if sent. */
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
}

/** Thrown for a node id minipilot cannot serve; the message says what is wrong. */
export class ProxyIdError extends Error {
  override readonly name = 'ProxyIdError';
}

/**
 * Returns the proxy's IPs as istiod's ParseServiceNodeWithMetadata finds them: INSTANCE_IPS metadata
 * (every entry must be an IP), else the node id's IP field; throws with istiod's messages when none is valid.
 */
function proxyIps(id: string, instanceIps: string | undefined, ipField: string): string[] {
  if (instanceIps !== undefined) {
    const ips = instanceIps.split(',').map((s) => s.trim());
    const bad = ips.find((ip) => !parseIp(ip));
    if (bad !== undefined) throw new ProxyIdError(`Invalid IP address ${JSON.stringify(bad)} in ${JSON.stringify(instanceIps)} (node ${JSON.stringify(id)})`);
    return ips;
  }
  if (!parseIp(ipField)) throw new ProxyIdError(`no valid IP address in the service node id or metadata (node ${JSON.stringify(id)})`);
  return [ipField];
}

/**
 * Parses an Envoy node into a {@link Proxy}. Node id format: `TYPE~IP~POD.NAMESPACE~DOMAIN`.
 * Namespace: metadata NAMESPACE, else the pod id's suffix, else the first DNS domain label.
 */
export function parseProxy(node: ProxyNodeInput): Proxy {
  const parts = node.id.split('~');
  if (parts.length !== 4) {
    throw new ProxyIdError(`node id ${JSON.stringify(node.id)} is not TYPE~IP~POD.NAMESPACE~DOMAIN (e.g. sidecar~10.0.0.1~app-1.default~default.svc.cluster.local)`);
  }
  const [type, ipField, podId, domain] = parts as [string, string, string, string];
  if (type !== 'sidecar' && type !== 'router') {
    throw new ProxyIdError(`node id ${JSON.stringify(node.id)}: proxy type ${JSON.stringify(type)} is not sidecar or router`);
  }
  const meta = node.metadata ?? {};
  const str = (k: string): string | undefined => (typeof meta[k] === 'string' && meta[k] !== '' ? (meta[k] as string) : undefined);
  const dot = podId.indexOf('.');
  const namespace = str('NAMESPACE') ?? (dot >= 0 ? podId.slice(dot + 1) : undefined) ?? domain.split('.')[0] ?? 'default';
  const ips = proxyIps(node.id, str('INSTANCE_IPS'), ipField);
  const metaLabels = meta['LABELS'];
  const labels: Record<string, string> = {};
  if (metaLabels && typeof metaLabels === 'object') {
    for (const [k, v] of Object.entries(metaLabels as Record<string, unknown>)) if (typeof v === 'string') labels[k] = v;
  }
  Object.assign(labels, node.labels ?? {});
  const v6 = ips.filter((ip) => ip.includes(':')).length;
  const idleTimeout = str('IDLE_TIMEOUT');
  const n = node.locality;
  const nodeLocality = n && (n.region || n.zone || n.subZone) ? { region: n.region ?? '', zone: n.zone ?? '', subZone: n.subZone ?? '' } : NO_LOCALITY;
  return Object.freeze({
    type,
    id: node.id,
    ip: ips[0]!,
    ips,
    podName: dot >= 0 ? podId.slice(0, dot) : podId,
    namespace,
    dnsDomain: domain || `${namespace}.svc.cluster.local`,
    metadata: meta,
    generator: str('GENERATOR') === 'grpc' ? 'grpc' : 'envoy',
    istioProxy: str('ISTIO_VERSION') !== undefined,
    ipFamily: v6 === 0 ? 'v4' : v6 === ips.length ? 'v6' : 'dual',
    ...(idleTimeout !== undefined ? { idleTimeout } : {}),
    ...proxyTopology(labels, nodeLocality),
    nodeLocality,
  });
}

/**
 * istiod's setTopologyLabels for workload labels: the locality from the labels, else the node's;
 * returned with the labels augmented by its topology labels.
 */
export function proxyTopology(labels: Readonly<Record<string, string>>, nodeLocality: Locality): { labels: Readonly<Record<string, string>>; locality: Locality } {
  const locality = localityFromLabels(labels) ?? nodeLocality;
  return { labels: withTopologyLabels(labels, locality), locality };
}
