import type { ServiceModel, ServicePortModel } from '../model/service.js';

/**
 * A cluster's `alt_stat_name` from the mesh `outboundClusterStatName` / `inboundClusterStatName`
 * pattern, as istiod's telemetry.BuildStatPrefix substitutes it: `%SERVICE%` (Kubernetes
 * `name.namespace`, else the host), `%SERVICE_NAME%` (Kubernetes name, else the host),
 * `%SERVICE_FQDN%`, `%SUBSET_NAME%`, `%TARGET_PORT%` (0 for outbound clusters),
 * `%SERVICE_PORT%` and `%SERVICE_PORT_NAME%`, then the `;` delimiter (DelimitedStatsPrefix).
 * Undefined when the pattern is unset or empty (the cluster keeps `NAME;`).
 */
export function clusterStatName(pattern: string | undefined, service: ServiceModel, subset: string, port: ServicePortModel, targetPort: number): string | undefined {
  if (!pattern) return undefined;
  const kube = service.registry === 'Kubernetes';
  const subs: readonly (readonly [string, string])[] = [
    ['%SERVICE%', kube ? `${service.name}.${service.namespace}` : service.hostname],
    ['%SERVICE_NAME%', kube ? service.name : service.hostname],
    ['%SERVICE_FQDN%', service.hostname],
    ['%SUBSET_NAME%', subset],
    ['%TARGET_PORT%', String(targetPort)],
    ['%SERVICE_PORT%', String(port.port)],
    ['%SERVICE_PORT_NAME%', port.name],
  ];
  let out = pattern;
  for (const [token, value] of subs) out = out.split(token).join(value);
  return `${out};`;
}
