import type { ConfigSnapshot, ServiceConfig, ServiceEntryConfig, PodConfig, EndpointSliceConfig, EndpointsConfig, MeshConfig } from '@minipilot/config';
import { configKey } from '@minipilot/config';
import { kubePortProtocol, parseProtocol } from './protocol.js';
import { DEFAULT_DOMAIN_SUFFIX } from './host.js';
import { NO_LOCALITY, parseLocality, podLocality } from './locality.js';
import type { ServiceModel, ServicePortModel, EndpointModel, Resolution } from './service.js';
import { isExternalNameAlias, resolveServiceAliases, type ServiceAlias } from './service-aliases.js';

/** Services and, per service hostname and port number, their endpoints. */
export interface ServiceRegistry {
  readonly services: readonly ServiceModel[];
  /** `hostname` → port → endpoints (sorted by address). */
  readonly endpoints: ReadonlyMap<string, ReadonlyMap<number, readonly EndpointModel[]>>;
  /** Concrete hostname → the ExternalName Services that alias it (see resolveServiceAliases). */
  readonly aliases: ReadonlyMap<string, readonly ServiceAlias[]>;
}


/**
 * Builds the service registry from Kubernetes Services (endpoints from EndpointSlices, else
 * Endpoints, else running Pods that match the selector: handy for labs without a cluster) and
 * ServiceEntries (inline endpoints, a workloadSelector over Pods, or the host itself for DNS).
 * A Kubernetes Service wins over a ServiceEntry with the same hostname, as in istiod. ExternalName
 * Services are not services of their own but aliases of the host they name (istiod ≥ 1.21).
 */
export function buildServiceRegistry(config: ConfigSnapshot, mesh: MeshConfig): ServiceRegistry {
  const pods = config.ofKind('Pod');
  const podByName = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const podByIp = new Map<string, PodConfig>();
  for (const p of pods) for (const ip of podIps(p)) podByIp.set(ip, p);
  const services: ServiceModel[] = [];
  const endpoints = new Map<string, Map<number, EndpointModel[]>>();
  const seen = new Set<string>();

  const index = indexWorkloads(config, pods);
  for (const svc of config.ofKind('Service')) {
    const model = kubeService(svc, mesh);
    if (!model) continue;
    seen.add(model.hostname);
    services.push(model);
    endpoints.set(model.hostname, kubeEndpoints(svc, model, config, index, podByName, podByIp));
  }
  const entries = [...config.ofKind('ServiceEntry')].sort(byCreation);
  for (const se of entries) {
    for (const model of serviceEntryServices(se, mesh)) {
      if (seen.has(model.hostname)) continue;
      seen.add(model.hostname);
      services.push(model);
      endpoints.set(model.hostname, serviceEntryEndpoints(se, model, pods, config));
    }
  }
  services.sort((a, b) => a.hostname.localeCompare(b.hostname));
  return { services, endpoints, aliases: resolveServiceAliases(config.ofKind('Service')) };
}

function byCreation(a: ServiceEntryConfig, b: ServiceEntryConfig): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name) || a.metadata.namespace.localeCompare(b.metadata.namespace);
}

function exportToOf(list: readonly string[] | undefined, ns: string, fallback: readonly string[]): readonly string[] {
  const l = list && list.length > 0 ? list : fallback;
  return l.map((x) => (x === '.' ? ns : x));
}

function kubeService(svc: ServiceConfig, mesh: MeshConfig): ServiceModel | undefined {
  const spec = svc.spec;
  if (isExternalNameAlias(svc)) return undefined;
  const ports: ServicePortModel[] = (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: kubePortProtocol(p) }));
  const ip = spec.clusterIP && spec.clusterIP !== 'None' ? spec.clusterIP : undefined;
  const exportAnn = svc.metadata.annotations['networking.istio.io/exportTo'];
  return {
    hostname: `${svc.metadata.name}.${svc.metadata.namespace}.svc.${DEFAULT_DOMAIN_SUFFIX}`,
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    registry: 'Kubernetes',
    ports,
    addresses: ip ? [ip] : [],
    resolution: spec.clusterIP === 'None' ? 'Passthrough' : 'ClientSideLB',
    meshExternal: false,
    exportTo: exportToOf(exportAnn?.split(',').map((s) => s.trim()), svc.metadata.namespace, mesh.defaultServiceExportTo),
    configKey: configKey(svc),
    ...(svc.metadata.creationTimestamp ? { creationTimestamp: svc.metadata.creationTimestamp } : {}),
  };
}

function podIps(p: PodConfig): string[] {
  const s = p.body.status;
  const ips = (s?.podIPs ?? []).map((x) => x.ip);
  if (s?.podIP && !ips.includes(s.podIP)) ips.unshift(s.podIP);
  return ips;
}

function targetPortFor(svc: ServiceConfig, servicePort: number): number {
  const p = (svc.spec.ports ?? []).find((x) => x.port === servicePort);
  return typeof p?.targetPort === 'number' ? p.targetPort : servicePort;
}

/** Lookups that keep registry building linear: EndpointSlices by `ns/service`, Pods by `ns/label=value`. */
interface WorkloadIndex {
  readonly slicesByService: ReadonlyMap<string, EndpointSliceConfig[]>;
  readonly podsByLabel: ReadonlyMap<string, PodConfig[]>;
}

function indexWorkloads(config: ConfigSnapshot, pods: readonly PodConfig[]): WorkloadIndex {
  const slicesByService = new Map<string, EndpointSliceConfig[]>();
  for (const s of config.ofKind('EndpointSlice')) {
    const name = s.metadata.labels['kubernetes.io/service-name'];
    if (name === undefined) continue;
    const key = `${s.metadata.namespace}/${name}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), s]);
  }
  const podsByLabel = new Map<string, PodConfig[]>();
  for (const p of pods) {
    for (const [k, v] of Object.entries(p.metadata.labels)) {
      const key = `${p.metadata.namespace}/${k}=${v}`;
      const list = podsByLabel.get(key);
      if (list) list.push(p); else podsByLabel.set(key, [p]);
    }
  }
  return { slicesByService, podsByLabel };
}

/** Pods in `ns` whose labels contain `selector` (candidates come from the index by the selector's first label). */
function podsSelected(index: WorkloadIndex, ns: string, selector: Readonly<Record<string, string>>): readonly PodConfig[] {
  const [first] = Object.entries(selector);
  if (!first) return [];
  return (index.podsByLabel.get(`${ns}/${first[0]}=${first[1]}`) ?? []).filter((p) => matchesLabels(selector, p.metadata.labels));
}

function kubeEndpoints(svc: ServiceConfig, model: ServiceModel, config: ConfigSnapshot, index: WorkloadIndex, podByName: Map<string, PodConfig>, podByIp: Map<string, PodConfig>): Map<number, EndpointModel[]> {
  const ns = svc.metadata.namespace;
  const out = new Map<number, EndpointModel[]>(model.ports.map((p) => [p.port, []]));
  const podFor = (ip: string, ref?: { name?: string | undefined; namespace?: string | undefined }): PodConfig | undefined =>
    (ref?.name ? podByName.get(`${ref.namespace ?? ns}/${ref.name}`) : undefined) ?? podByIp.get(ip);
  const add = (servicePort: number, address: string, port: number, pod: PodConfig | undefined, healthy: boolean, zone?: string): void => {
    const labels = pod?.metadata.labels ?? {};
    const loc = podLocality(pod, config);
    out.get(servicePort)?.push({
      address, port, labels, healthy, weight: 1,
      locality: zone && !loc.zone ? { ...loc, zone } : loc,
      ...(pod?.body.spec?.serviceAccountName ? { serviceAccount: pod.body.spec.serviceAccountName } : {}),
    });
  };
  const slices = index.slicesByService.get(`${ns}/${svc.metadata.name}`) ?? [];
  const eps = config.get('Endpoints', ns, svc.metadata.name);
  if (slices.length > 0) {
    addFromSlices(slices, model, add, podFor);
  } else if (eps) {
    addFromEndpoints(eps, model, add, podFor);
  } else if (svc.spec.selector && Object.keys(svc.spec.selector).length > 0) {
    const sel = svc.spec.selector;
    for (const pod of podsSelected(index, ns, sel)) {
      const ip = podIps(pod)[0];
      if (!ip || pod.body.status?.phase === 'Succeeded' || pod.body.status?.phase === 'Failed') continue;
      for (const p of model.ports) add(p.port, ip, targetPortFor(svc, p.port), pod, true);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
  return out;
}

type AddFn = (servicePort: number, address: string, port: number, pod: PodConfig | undefined, healthy: boolean, zone?: string) => void;
type PodFor = (ip: string, ref?: { name?: string | undefined; namespace?: string | undefined }) => PodConfig | undefined;

function addFromSlices(slices: readonly EndpointSliceConfig[], model: ServiceModel, add: AddFn, podFor: PodFor): void {
  for (const slice of slices) {
    for (const sp of slice.body.ports ?? []) {
      const svcPort = model.ports.find((p) => p.name === (sp.name ?? '')) ?? (model.ports.length === 1 ? model.ports[0] : undefined);
      if (!svcPort || sp.port === undefined) continue;
      for (const ep of slice.body.endpoints ?? []) {
        if (ep.conditions?.terminating) continue;
        const healthy = ep.conditions?.ready !== false;
        for (const ip of ep.addresses) add(svcPort.port, ip, sp.port, podFor(ip, ep.targetRef), healthy, ep.zone);
      }
    }
  }
}

function addFromEndpoints(eps: EndpointsConfig, model: ServiceModel, add: AddFn, podFor: PodFor): void {
  for (const subset of eps.body.subsets ?? []) {
    for (const sp of subset.ports ?? []) {
      const svcPort = model.ports.find((p) => p.name === (sp.name ?? '')) ?? (model.ports.length === 1 ? model.ports[0] : undefined);
      if (!svcPort) continue;
      for (const a of subset.addresses ?? []) add(svcPort.port, a.ip, sp.port, podFor(a.ip, a.targetRef), true);
      for (const a of subset.notReadyAddresses ?? []) add(svcPort.port, a.ip, sp.port, podFor(a.ip, a.targetRef), false);
    }
  }
}

/** True if every label in `selector` is present in `labels` with the same value. */
export function matchesLabels(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

const RESOLUTION: Readonly<Record<string, Resolution>> = { NONE: 'Passthrough', STATIC: 'ClientSideLB', DNS: 'DNSLB', DNS_ROUND_ROBIN: 'DNSRoundRobinLB' };

function serviceEntryServices(se: ServiceEntryConfig, mesh: MeshConfig): ServiceModel[] {
  const spec = se.spec;
  const ports: ServicePortModel[] = (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.number ?? 0, protocol: parseProtocol(p.protocol) }));
  return (spec.hosts ?? []).map((host) => ({
    hostname: host,
    name: host,
    namespace: se.metadata.namespace,
    registry: 'External',
    ports,
    addresses: (spec.addresses ?? []).flatMap((a) => (!a.includes('/') ? [a] : hostRoute(a) ?? [])),
    cidrs: (spec.addresses ?? []).filter((a) => a.includes('/') && hostRoute(a) === undefined),
    resolution: RESOLUTION[spec.resolution ?? 'NONE'] ?? 'Passthrough',
    meshExternal: (spec.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL',
    exportTo: exportToOf(spec.exportTo, se.metadata.namespace, mesh.defaultServiceExportTo),
    configKey: configKey(se),
    ...(se.metadata.creationTimestamp ? { creationTimestamp: se.metadata.creationTimestamp } : {}),
  }));
}

function serviceEntryEndpoints(se: ServiceEntryConfig, model: ServiceModel, pods: readonly PodConfig[], config: ConfigSnapshot): Map<number, EndpointModel[]> {
  const out = new Map<number, EndpointModel[]>();
  for (const p of model.ports) {
    const targetPort = (se.spec.ports ?? []).find((x) => x.number === p.port)?.targetPort ?? p.port;
    const list: EndpointModel[] = [];
    if (se.spec.endpoints && se.spec.endpoints.length > 0) {
      for (const we of se.spec.endpoints) {
        if (!we.address) continue;
        list.push({
          address: we.address, port: we.ports?.[p.name] ?? targetPort, labels: we.labels ?? {}, healthy: true, weight: we.weight ?? 1,
          locality: parseLocality(we.locality), ...(we.serviceAccount ? { serviceAccount: we.serviceAccount } : {}),
        });
      }
    } else if (se.spec.workloadSelector?.labels) {
      const sel = se.spec.workloadSelector.labels;
      for (const pod of pods) {
        const ip = podIps(pod)[0];
        if (pod.metadata.namespace !== se.metadata.namespace || !ip || !matchesLabels(sel, pod.metadata.labels)) continue;
        list.push({ address: ip, port: targetPort, labels: pod.metadata.labels, healthy: true, weight: 1, locality: podLocality(pod, config) });
      }
    } else if (model.resolution === 'DNSLB' || model.resolution === 'DNSRoundRobinLB') {
      list.push({ address: model.hostname, port: targetPort, labels: {}, healthy: true, weight: 1, locality: NO_LOCALITY });
    }
    list.sort((a, b) => a.address.localeCompare(b.address));
    out.set(p.port, list);
  }
  return out;
}

/** The address of a host-route CIDR (`1.2.3.4/32`, `fd00::1/128`), which istiod treats as a plain address; undefined for any other. */
function hostRoute(cidr: string): string | undefined {
  const [addr = '', len] = cidr.split('/');
  return (len === '32' && !addr.includes(':')) || (len === '128' && addr.includes(':')) ? addr : undefined;
}
