import type { ServiceEntryConfig, PodConfig } from '@minipilot/config';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';

const accountsCache = new WeakMap<PushContext, Map<string, readonly string[]>>();
const podsCache = new WeakMap<PushContext, Map<string, PodConfig>>();

/**
 * The SPIFFE identities of a service's workloads (`spiffe://<trustDomain>/ns/<ns>/sa/<sa>`, from
 * its endpoints' service accounts) plus a ServiceEntry's `subjectAltNames`, sorted and unique:
 * the SANs istiod expects for ISTIO_MUTUAL and auto mTLS.
 */
export function serviceAccountsOf(service: ServiceModel, push: PushContext): readonly string[] {
  let byHost = accountsCache.get(push);
  if (!byHost) accountsCache.set(push, (byHost = new Map()));
  const cached = byHost.get(service.hostname);
  if (cached) return cached;
  const out = new Set<string>();
  for (const port of service.ports) {
    for (const e of push.endpoints(service.hostname, port.port)) {
      if (e.serviceAccount) out.add(`spiffe://${push.mesh.trustDomain}/ns/${service.namespace}/sa/${e.serviceAccount}`);
    }
  }
  for (const san of serviceEntryOf(service, push)?.spec.subjectAltNames ?? []) out.add(san);
  const list = Object.freeze([...out].sort());
  byHost.set(service.hostname, list);
  return list;
}

/** The ServiceEntry a service came from, if it is one. */
export function serviceEntryOf(service: ServiceModel, push: PushContext): ServiceEntryConfig | undefined {
  if (service.registry !== 'External') return undefined;
  const [kind, ns, name] = service.configKey.split('/');
  return kind === 'ServiceEntry' && ns !== undefined && name !== undefined ? push.config.get('ServiceEntry', ns, name) : undefined;
}

/** The ServiceEntry port declaration for a service port (its `targetPort` matters for passthrough). */
export function serviceEntryPort(service: ServiceModel, port: number, push: PushContext): { number?: number | undefined; targetPort?: number | undefined } | undefined {
  return serviceEntryOf(service, push)?.spec.ports?.find((p) => p.number === port);
}

/** The registry Pod holding `ip` in namespace `ns`, if any (for endpoint workload metadata). */
export function podByIp(push: PushContext, ns: string, ip: string): PodConfig | undefined {
  let index = podsCache.get(push);
  if (!index) {
    index = new Map();
    for (const pod of push.config.ofKind('Pod')) {
      const s = pod.body.status;
      for (const a of [s?.podIP, ...(s?.podIPs ?? []).map((x) => x.ip)]) if (a) index.set(`${pod.metadata.namespace}/${a}`, pod);
    }
    podsCache.set(push, index);
  }
  return index.get(`${ns}/${ip}`);
}
