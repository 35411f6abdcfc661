/**
 * The injection chart values minipilot's built-in sidecar template reads (the `values` key of the
 * istio-sidecar-injector ConfigMap; names as in Istio's values.yaml, defaults as Istio 1.28 ships).
 */
export interface InjectionValues {
  readonly hub: string;
  readonly tag: string;
  /** global.proxy.image (`proxyv2`, or a full image reference containing `/`). */
  readonly proxyImage: string;
  /** global.proxy_init.image. */
  readonly proxyInitImage: string;
  readonly imagePullPolicy: string;
  readonly clusterDomain: string;
  readonly proxyLogLevel: string;
  readonly proxyComponentLogLevel: string;
  /** global.logging.level (the agent's --log_output_level). */
  readonly loggingLevel: string;
  readonly statusPort: number;
  readonly includeIPRanges: string;
  readonly excludeIPRanges: string;
  readonly includeInboundPorts: string;
  readonly excludeInboundPorts: string;
  readonly includeOutboundPorts: string;
  readonly excludeOutboundPorts: string;
  readonly readinessInitialDelaySeconds: number;
  readonly readinessPeriodSeconds: number;
  readonly readinessFailureThreshold: number;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly clusterName: string;
  readonly network: string;
  readonly meshID: string;
  readonly trustDomain: string;
  readonly jwtPolicy: string;
  readonly pilotCertProvider: string;
  /** global.caAddress; empty: istiod.<istioNamespace>.svc:15012. */
  readonly caAddress: string;
  readonly istioNamespace: string;
  readonly revision: string;
  /** global.sds.token.aud. */
  readonly tokenAudience: string;
  /** sidecarInjectorWebhook.rewriteAppHTTPProbe. */
  readonly rewriteAppHTTPProbe: boolean;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly privileged: boolean;
}

/** Istio 1.28's defaults. */
export const DEFAULT_VALUES: InjectionValues = Object.freeze<InjectionValues>({
  hub: 'docker.io/istio',
  tag: '1.28.0',
  proxyImage: 'proxyv2',
  proxyInitImage: 'proxyv2',
  imagePullPolicy: '',
  clusterDomain: 'cluster.local',
  proxyLogLevel: 'warning',
  proxyComponentLogLevel: 'misc:error',
  loggingLevel: 'default:info',
  statusPort: 15020,
  includeIPRanges: '*',
  excludeIPRanges: '',
  includeInboundPorts: '*',
  excludeInboundPorts: '',
  includeOutboundPorts: '',
  excludeOutboundPorts: '',
  readinessInitialDelaySeconds: 0,
  readinessPeriodSeconds: 15,
  readinessFailureThreshold: 4,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
  clusterName: 'Kubernetes',
  network: '',
  meshID: '',
  trustDomain: '',
  jwtPolicy: 'third-party-jwt',
  pilotCertProvider: 'istiod',
  caAddress: '',
  istioNamespace: 'istio-system',
  revision: '',
  tokenAudience: 'istio-ca',
  rewriteAppHTTPProbe: true,
  holdApplicationUntilProxyStarts: false,
  privileged: false,
});

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/**
 * Reads Istio's values JSON (`global.hub`, `global.proxy.*`, `sidecarInjectorWebhook.*`, ...) over the
 * defaults. Unknown keys are ignored; a value of the wrong type keeps the default and is reported.
 */
export function valuesFromJson(json: unknown, problems: string[] = []): InjectionValues {
  const root = obj(json);
  const global = obj(root['global']);
  const proxy = obj(global['proxy']);
  const init = obj(global['proxy_init']);
  const out: Record<string, unknown> = { ...DEFAULT_VALUES };
  const take = (key: keyof InjectionValues, from: Json, name: string, path: string): void => {
    const v = from[name];
    if (v === undefined || v === null) return;
    const want = typeof DEFAULT_VALUES[key];
    if (want === 'object' ? typeof v === 'object' : typeof v === want) out[key] = v;
    else problems.push(`values ${path}: expected a ${want}, got ${JSON.stringify(v)}; using ${JSON.stringify(DEFAULT_VALUES[key])}`);
  };
  take('hub', global, 'hub', 'global.hub');
  take('tag', global, 'tag', 'global.tag');
  take('imagePullPolicy', global, 'imagePullPolicy', 'global.imagePullPolicy');
  take('network', global, 'network', 'global.network');
  take('meshID', global, 'meshID', 'global.meshID');
  take('trustDomain', global, 'trustDomain', 'global.trustDomain');
  take('jwtPolicy', global, 'jwtPolicy', 'global.jwtPolicy');
  take('pilotCertProvider', global, 'pilotCertProvider', 'global.pilotCertProvider');
  take('caAddress', global, 'caAddress', 'global.caAddress');
  take('istioNamespace', global, 'istioNamespace', 'global.istioNamespace');
  take('loggingLevel', obj(global['logging']), 'level', 'global.logging.level');
  take('clusterName', obj(global['multiCluster']), 'clusterName', 'global.multiCluster.clusterName');
  take('tokenAudience', obj(obj(global['sds'])['token']), 'aud', 'global.sds.token.aud');
  take('proxyImage', proxy, 'image', 'global.proxy.image');
  take('clusterDomain', proxy, 'clusterDomain', 'global.proxy.clusterDomain');
  take('proxyLogLevel', proxy, 'logLevel', 'global.proxy.logLevel');
  take('proxyComponentLogLevel', proxy, 'componentLogLevel', 'global.proxy.componentLogLevel');
  take('statusPort', proxy, 'statusPort', 'global.proxy.statusPort');
  take('includeIPRanges', proxy, 'includeIPRanges', 'global.proxy.includeIPRanges');
  take('excludeIPRanges', proxy, 'excludeIPRanges', 'global.proxy.excludeIPRanges');
  take('includeInboundPorts', proxy, 'includeInboundPorts', 'global.proxy.includeInboundPorts');
  take('excludeInboundPorts', proxy, 'excludeInboundPorts', 'global.proxy.excludeInboundPorts');
  take('includeOutboundPorts', proxy, 'includeOutboundPorts', 'global.proxy.includeOutboundPorts');
  take('excludeOutboundPorts', proxy, 'excludeOutboundPorts', 'global.proxy.excludeOutboundPorts');
  take('readinessInitialDelaySeconds', proxy, 'readinessInitialDelaySeconds', 'global.proxy.readinessInitialDelaySeconds');
  take('readinessPeriodSeconds', proxy, 'readinessPeriodSeconds', 'global.proxy.readinessPeriodSeconds');
  take('readinessFailureThreshold', proxy, 'readinessFailureThreshold', 'global.proxy.readinessFailureThreshold');
  take('resources', proxy, 'resources', 'global.proxy.resources');
  take('holdApplicationUntilProxyStarts', proxy, 'holdApplicationUntilProxyStarts', 'global.proxy.holdApplicationUntilProxyStarts');
  take('privileged', proxy, 'privileged', 'global.proxy.privileged');
  take('proxyInitImage', init, 'image', 'global.proxy_init.image');
  take('revision', root, 'revision', 'revision');
  take('rewriteAppHTTPProbe', obj(root['sidecarInjectorWebhook']), 'rewriteAppHTTPProbe', 'sidecarInjectorWebhook.rewriteAppHTTPProbe');
  return out as unknown as InjectionValues;
}
