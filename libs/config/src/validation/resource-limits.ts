import type { ConfigObject } from '../kinds.js';
import type { Collector } from './collector.js';

/**
 * Most hosts one resource may list (VirtualService and ServiceEntry `spec.hosts`, all Gateway
 * servers' hosts together). Istio has no such limit; past it a resource is rejected before any
 * other rule runs, so one file cannot make validation and translation stall the server.
 */
export const MAX_HOSTS_PER_RESOURCE = 10_000;

function hostCount(obj: ConfigObject): { field: string; count: number } | undefined {
  switch (obj.kind) {
    case 'VirtualService':
    case 'ServiceEntry':
      return { field: 'spec.hosts', count: obj.spec.hosts?.length ?? 0 };
    case 'Gateway':
      return { field: 'spec.servers', count: (obj.spec.servers ?? []).reduce((n, s) => n + (s.hosts?.length ?? 0), 0) };
    default:
      return undefined;
  }
}

/** Reports a resource over the size limits; returns false when it is, so no other rule runs on it. */
export function checkResourceLimits(c: Collector, obj: ConfigObject): boolean {
  const hosts = hostCount(obj);
  if (hosts && hosts.count > MAX_HOSTS_PER_RESOURCE) {
    c.error(hosts.field, `${hosts.count} hosts, more than the limit of ${MAX_HOSTS_PER_RESOURCE} per resource; split the ${obj.kind} into several`);
    return false;
  }
  return true;
}
