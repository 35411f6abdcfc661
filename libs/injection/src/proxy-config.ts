import { parse } from 'yaml';

/** The annotation a pod overrides its ProxyConfig with (YAML or JSON). */
export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

/** The fields of istiod's default ProxyConfig that protoToJSON prints (pkg/config/mesh DefaultProxyConfig). */
export function defaultProxyConfig(discoveryAddress: string): Record<string, unknown> {
  return {
    configPath: './etc/istio/proxy',
    binaryPath: '/usr/local/bin/envoy',
    serviceCluster: 'istio-proxy',
    drainDuration: '45s',
    discoveryAddress,
    proxyAdminPort: 15000,
    controlPlaneAuthPolicy: 'MUTUAL_TLS',
    statNameLength: 189,
    statusPort: 15020,
    terminationDrainDuration: '5s',
  };
}

/**
 * The pod's ProxyConfig as istiod computes it: the defaults (discoveryAddress = minipilot's), then the
 * mesh config's `defaultConfig`, then the pod's `proxy.istio.io/config` annotation (fields replace
 * fields; nested objects merge). Returns the problem when the annotation is not a YAML mapping.
 */
export function podProxyConfig(discoveryAddress: string, meshDefault: Readonly<Record<string, unknown>>, annotations: Readonly<Record<string, string>>): { config: Record<string, unknown>; error?: string } {
  let config = merge(defaultProxyConfig(discoveryAddress), meshDefault);
  const raw = annotations[PROXY_CONFIG_ANNOTATION];
  if (raw === undefined) return { config };
  let parsed: unknown;
  try {
    parsed = parse(raw);
  } catch (err) {
    return { config, error: `annotation ${PROXY_CONFIG_ANNOTATION}: not valid YAML (${err instanceof Error ? err.message : String(err)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { config, error: `annotation ${PROXY_CONFIG_ANNOTATION}: not a YAML mapping of ProxyConfig fields` };
  config = merge(config, parsed as Record<string, unknown>);
  return { config };
}

function merge(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? merge(b, v) : v;
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
