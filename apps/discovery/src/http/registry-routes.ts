import type { PushContext } from '@minipilot/translation';
import type { XdsServer } from '@minipilot/xds-server';
import type { Handler } from './monitoring-server.js';

/** What the registry endpoints read. */
export interface RegistryState {
  push(): PushContext;
  readonly xds: XdsServer;
}

/** The registry endpoints and what `/debug/list` says about them. */
export const REGISTRY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/debug/registryz': 'every service of the registry (Kubernetes Services and ServiceEntries): hostname, ports, addresses, resolution',
  '/debug/endpointz': 'the endpoints of every service port: address, port, labels, locality, health, weight',
  '/debug/instancesz': 'per connected proxy, the service ports its IP serves (hostname, port, target port)',
};

/** Parses `hostname|port|targetPort` (PushContext.servedAt). */
function servedPort(entry: string): { service: string; port: number; targetPort: number } {
  const [service = '', port = '0', targetPort = '0'] = entry.split('|');
  return { service, port: Number(port), targetPort: Number(targetPort) };
}

/** `/debug/registryz`, `/debug/endpointz`, `/debug/instancesz` (istiod's names), read from the current push context. */
export function registryRoutes(s: RegistryState): Map<string, Handler> {
  return new Map<string, Handler>([
    ['/debug/registryz', () => s.push().services.map((x) => ({
      hostname: x.hostname, name: x.name, namespace: x.namespace, registry: x.registry, ports: x.ports, addresses: x.addresses,
      resolution: x.resolution, meshExternal: x.meshExternal, exportTo: x.exportTo,
    }))],
    ['/debug/endpointz', () => {
      const p = s.push();
      return p.services.flatMap((svc) => svc.ports.map((port) => ({ service: svc.hostname, port: port.port, name: port.name, protocol: port.protocol, endpoints: p.endpoints(svc.hostname, port.port) })));
    }],
    ['/debug/instancesz', () => {
      const p = s.push();
      return Object.fromEntries(s.xds.connections().map((c) => {
        const ip = c.nodeId.split('~')[1] ?? '';
        return [c.nodeId, p.servedAt(ip).map(servedPort)];
      }));
    }],
  ]);
}
