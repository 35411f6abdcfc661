import { z } from 'zod';
import { parse } from 'yaml';
import { duration, snakeToCamel } from './schema-helpers.js';
import type { ConfigProblem } from './problem.js';
import { LocalityLoadBalancerSetting, TcpKeepalive } from './istio/destination-rule.js';
import { HTTPRetry } from './istio/virtual-service.js';
import { checkLocalityLbSetting } from './validation/locality.js';
import { createCollector } from './validation/collector.js';

/** MeshConfig.TLSConfig (istio.mesh.v1alpha1): defaults for istiod-generated TLS contexts. */
const TlsConfig = z.looseObject({
  minProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_2', 'TLSV1_3']).optional(),
  ecdhCurves: z.array(z.string()).optional(),
  cipherSuites: z.array(z.string()).optional(),
});

const MeshConfigSchema = z.looseObject({
  outboundTrafficPolicy: z.looseObject({ mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).optional() }).optional(),
  inboundTrafficPolicy: z.looseObject({ mode: z.enum(['PASSTHROUGH', 'LOCALHOST']).optional() }).optional(),
  rootNamespace: z.string().optional(),
  trustDomain: z.string().optional(),
  connectTimeout: duration.optional(),
  protocolDetectionTimeout: duration.optional(),
  proxyListenPort: z.number().int().optional(),
  proxyInboundListenPort: z.number().int().optional(),
  enableAutoMtls: z.boolean().optional(),
  dnsRefreshRate: duration.optional(),
  defaultServiceExportTo: z.array(z.string()).optional(),
  defaultVirtualServiceExportTo: z.array(z.string()).optional(),
  defaultDestinationRuleExportTo: z.array(z.string()).optional(),
  accessLogFile: z.string().optional(),
  enableTracing: z.boolean().optional(),
  defaultConfig: z.looseObject({ discoveryAddress: z.string().optional() }).optional(),
  localityLbSetting: LocalityLoadBalancerSetting.optional(),
  h2UpgradePolicy: z.enum(['DO_NOT_UPGRADE', 'UPGRADE']).optional(),
  defaultHttpRetryPolicy: HTTPRetry.optional(),
  tcpKeepalive: TcpKeepalive.optional(),
  tlsDefaults: TlsConfig.optional(),
  outboundClusterStatName: z.string().optional(),
  inboundClusterStatName: z.string().optional(),
});

/** MeshConfig.tlsDefaults: applied by istiod to SIMPLE/MUTUAL upstream TLS (curves, ciphers) and to Gateway server TLS. */
export interface MeshTlsDefaults {
  readonly minProtocolVersion?: 'TLS_AUTO' | 'TLSV1_2' | 'TLSV1_3';
  readonly ecdhCurves?: readonly string[];
  readonly cipherSuites?: readonly string[];
}

/** Mesh-wide settings that change what minipilot generates; defaults are istiod's. */
export interface MeshConfig {
  readonly outboundTrafficPolicy: { readonly mode: 'REGISTRY_ONLY' | 'ALLOW_ANY' };
  readonly inboundTrafficPolicy: { readonly mode: 'PASSTHROUGH' | 'LOCALHOST' };
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly connectTimeout: string;
  readonly protocolDetectionTimeout: string;
  readonly proxyListenPort: number;
  readonly proxyInboundListenPort: number;
  readonly enableAutoMtls: boolean;
  readonly dnsRefreshRate: string;
  readonly defaultServiceExportTo: readonly string[];
  readonly defaultVirtualServiceExportTo: readonly string[];
  readonly defaultDestinationRuleExportTo: readonly string[];
  readonly accessLogFile: string;
  readonly enableTracing: boolean;
  readonly defaultConfig: Readonly<Record<string, unknown>>;
  /** The mesh-wide locality load balancing default (istiod's default: `{enabled: true}`); a DestinationRule's setting replaces it. */
  readonly localityLbSetting?: LocalityLoadBalancerSetting;
  /** `UPGRADE` upgrades HTTP/1.1 connections to HTTP/2 on HTTP ports (unset: DO_NOT_UPGRADE). */
  readonly h2UpgradePolicy?: 'DO_NOT_UPGRADE' | 'UPGRADE';
  /** Replaces the default retry policy of routes without `retries` (istiod's GetDefaultHttpRetryPolicy). */
  readonly defaultHttpRetryPolicy?: HTTPRetry;
  /** TCP keepalive of every outbound and inbound cluster; a DestinationRule's tcp.tcpKeepalive overrides field by field. */
  readonly tcpKeepalive?: TcpKeepalive;
  readonly tlsDefaults?: MeshTlsDefaults;
  /** Pattern of outbound clusters' `alt_stat_name` (%SERVICE%, %SERVICE_NAME%, %SERVICE_FQDN%, %SERVICE_PORT%, %SERVICE_PORT_NAME%, %SUBSET_NAME%, %TARGET_PORT%). */
  readonly outboundClusterStatName?: string;
  /** Pattern of inbound clusters' `alt_stat_name` (the same substitutions). */
  readonly inboundClusterStatName?: string;
}

/** istiod's default MeshConfig (pkg/config/mesh DefaultMeshConfig). */
export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze<MeshConfig>({
  outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
  inboundTrafficPolicy: { mode: 'PASSTHROUGH' },
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  connectTimeout: '10s',
  protocolDetectionTimeout: '0s',
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  enableAutoMtls: true,
  dnsRefreshRate: '60s',
  defaultServiceExportTo: ['*'],
  defaultVirtualServiceExportTo: ['*'],
  defaultDestinationRuleExportTo: ['*'],
  accessLogFile: '',
  enableTracing: true,
  defaultConfig: {},
  localityLbSetting: { enabled: true },
});

/** The result of reading a mesh config file. */
export interface MeshConfigResult {
  readonly mesh: MeshConfig;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Reads a MeshConfig in istiod's `mesh` ConfigMap format: either the mesh YAML itself
 * (`outboundTrafficPolicy: {mode: REGISTRY_ONLY}`) or a whole ConfigMap whose `data.mesh` holds it.
 * Unset fields take istiod's defaults. Errors (schema, or an invalid `localityLbSetting` as istiod's
 * ValidateMeshConfig finds it) leave the defaults in place and are reported.
 */
export function parseMeshConfig(text: string, file?: string): MeshConfigResult {
  const origin = file !== undefined ? { origin: { file } } : {};
  let value: unknown;
  try {
    value = parse(text) ?? {};
    const v = value as Record<string, unknown>;
    if (v['kind'] === 'ConfigMap') value = parse(String((v['data'] as Record<string, unknown> | undefined)?.['mesh'] ?? '')) ?? {};
  } catch (e) {
    return { mesh: DEFAULT_MESH_CONFIG, problems: [{ severity: 'error', stage: 'syntax', kind: 'MeshConfig', message: `YAML syntax error: ${(e as Error).message.split('\n')[0]}`, ...origin }] };
  }
  const r = MeshConfigSchema.safeParse(camelTopLevel(value));
  if (!r.success) {
    return {
      mesh: DEFAULT_MESH_CONFIG,
      problems: r.error.issues.map((i) => ({ severity: 'error' as const, stage: 'schema' as const, kind: 'MeshConfig', field: i.path.join('.'), message: i.message, ...origin })),
    };
  }
  // istiod's ValidateMeshConfig checks the mesh locality setting as a DestinationRule's, with
  // outlier detection assumed (ValidateLocalityLbSetting(mesh.LocalityLbSetting, &OutlierDetection{})).
  const problems: ConfigProblem[] = [];
  checkLocalityLbSetting(createCollector({ kind: 'MeshConfig', ...origin }, problems), 'localityLbSetting', r.data.localityLbSetting, {});
  if (problems.some((p) => p.severity === 'error')) return { mesh: DEFAULT_MESH_CONFIG, problems };
  return { mesh: withMeshDefaults(r.data), problems };
}

/** Top-level `snake_case` field names as their camelCase (protobuf JSON accepts both, as istiod does). */
function camelTopLevel(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const known = new Set(Object.keys(MeshConfigSchema.shape));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => {
    const camel = snakeToCamel(k);
    return [known.has(camel) && !(camel in value) ? camel : k, v];
  }));
}

/** Fills unset fields of a partial MeshConfig with istiod's defaults. */
export function withMeshDefaults(partial: z.infer<typeof MeshConfigSchema>): MeshConfig {
  const d = DEFAULT_MESH_CONFIG;
  return Object.freeze({
    ...d,
    ...stripUndefined(partial),
    outboundTrafficPolicy: { mode: partial.outboundTrafficPolicy?.mode ?? d.outboundTrafficPolicy.mode },
    inboundTrafficPolicy: { mode: partial.inboundTrafficPolicy?.mode ?? d.inboundTrafficPolicy.mode },
  }) as MeshConfig;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
