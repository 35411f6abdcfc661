import type { Container, Pod } from './pod.js';
import type { InjectionValues } from './values.js';
import type { WorkloadMeta } from './workload-meta.js';

/** Everything the built-in `sidecar` template is rendered from. */
export interface TemplateInput {
  readonly pod: Pod;
  readonly values: InjectionValues;
  readonly workload: WorkloadMeta;
  readonly proxyConfig: Readonly<Record<string, unknown>>;
  readonly interceptionMode: string;
  readonly iptablesArgs: readonly string[];
  readonly trustDomain: string;
  /** ISTIO_KUBE_APP_PROBERS entries (empty: no rewritten probes). */
  readonly appProbers: Readonly<Record<string, unknown>>;
  /** holdApplicationUntilProxyStarts (values or the pod's ProxyConfig): the proxy starts first and app containers wait for it. */
  readonly holdApplication: boolean;
}

/** The names of what the template adds, in the sidecar.istio.io/status annotation's order. */
export const INJECTED_VOLUMES = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'] as const;

const annotation = (pod: Pod, key: string, fallback: string): string => pod.metadata.annotations?.[key] ?? fallback;
const image = (name: string, v: InjectionValues): string => (name.includes('/') ? name : `${v.hub}/${name}:${v.tag}`);
const fieldRef = (name: string, fieldPath: string): Record<string, unknown> => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/** Istio's `istio-init` container: istio-iptables as root with NET_ADMIN and NET_RAW. */
export function initContainer(t: TemplateInput): Container {
  const v = t.values;
  return {
    name: 'istio-init',
    image: image(annotation(t.pod, 'sidecar.istio.io/proxyImage', v.proxyInitImage), v),
    args: [...t.iptablesArgs],
    ...(v.imagePullPolicy ? { imagePullPolicy: v.imagePullPolicy } : {}),
    resources: resources(t),
    securityContext: {
      allowPrivilegeEscalation: v.privileged,
      privileged: v.privileged,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
}

/** Istio's `istio-proxy` container: pilot-agent + Envoy, pointed at the CA and discovery address. */
export function proxyContainer(t: TemplateInput): Container {
  const v = t.values;
  const pod = t.pod;
  const appContainers = pod.spec.containers.filter((c) => c.name !== 'istio-proxy').map((c) => c.name);
  const ports = pod.spec.containers.flatMap((c) => c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' }));
  const meshId = v.meshID || t.trustDomain || v.trustDomain;
  const statusPort = annotation(pod, 'status.sidecar.istio.io/port', String(v.statusPort));
  const tproxy = t.interceptionMode === 'TPROXY';
  const env: Record<string, unknown>[] = [
    { name: 'PILOT_CERT_PROVIDER', value: v.pilotCertProvider },
    { name: 'CA_ADDR', value: v.caAddress || `istiod${v.revision ? `-${v.revision}` : ''}.${v.istioNamespace}.svc:15012` },
    fieldRef('POD_NAME', 'metadata.name'),
    fieldRef('POD_NAMESPACE', 'metadata.namespace'),
    fieldRef('INSTANCE_IP', 'status.podIP'),
    fieldRef('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldRef('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
    { name: 'PROXY_CONFIG', value: `${JSON.stringify(t.proxyConfig)}\n` },
    { name: 'ISTIO_META_POD_PORTS', value: JSON.stringify(ports) },
    { name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.join(',') },
    { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
    { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
    { name: 'ISTIO_META_CLUSTER_ID', value: v.clusterName },
    fieldRef('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: t.interceptionMode },
    ...(v.network ? [{ name: 'ISTIO_META_NETWORK', value: v.network }] : []),
    ...(t.workload.name ? [{ name: 'ISTIO_META_WORKLOAD_NAME', value: t.workload.name }] : []),
    ...(t.workload.name ? [{ name: 'ISTIO_META_OWNER', value: `kubernetes://apis/${t.workload.apiVersion}/namespaces/${t.workload.namespace}/${t.workload.kind.toLowerCase()}s/${t.workload.name}` }] : []),
    ...(meshId ? [{ name: 'ISTIO_META_MESH_ID', value: meshId }] : []),
    ...(t.trustDomain || v.trustDomain ? [{ name: 'TRUST_DOMAIN', value: t.trustDomain || v.trustDomain }] : []),
    ...(Object.keys(t.appProbers).length > 0 ? [{ name: 'ISTIO_KUBE_APP_PROBERS', value: JSON.stringify(t.appProbers) }] : []),
  ];
  return {
    name: 'istio-proxy',
    image: image(annotation(pod, 'sidecar.istio.io/proxyImage', v.proxyImage), v),
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
    args: [
      'proxy', 'sidecar', '--domain', `$(POD_NAMESPACE).svc.${v.clusterDomain}`,
      `--proxyLogLevel=${annotation(pod, 'sidecar.istio.io/logLevel', v.proxyLogLevel)}`,
      `--proxyComponentLogLevel=${annotation(pod, 'sidecar.istio.io/componentLogLevel', v.proxyComponentLogLevel)}`,
      `--log_output_level=${annotation(pod, 'sidecar.istio.io/agentLogLevel', v.loggingLevel)}`,
    ],
    ...(t.holdApplication ? { lifecycle: { postStart: { exec: { command: ['pilot-agent', 'wait'] } } } } : {}),
    env,
    ...(v.imagePullPolicy ? { imagePullPolicy: v.imagePullPolicy } : {}),
    ...(statusPort !== '0' ? {
      readinessProbe: {
        httpGet: { path: '/healthz/ready', port: 15021 },
        initialDelaySeconds: Number(annotation(pod, 'readiness.status.sidecar.istio.io/initialDelaySeconds', String(v.readinessInitialDelaySeconds))),
        periodSeconds: Number(annotation(pod, 'readiness.status.sidecar.istio.io/periodSeconds', String(v.readinessPeriodSeconds))),
        timeoutSeconds: 3,
        failureThreshold: Number(annotation(pod, 'readiness.status.sidecar.istio.io/failureThreshold', String(v.readinessFailureThreshold))),
      },
    } : {}),
    securityContext: {
      allowPrivilegeEscalation: v.privileged,
      capabilities: { ...(tproxy ? { add: ['NET_ADMIN'] } : {}), drop: ['ALL'] },
      privileged: v.privileged,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: !tproxy,
      runAsUser: tproxy ? 0 : 1337,
    },
    resources: resources(t),
    volumeMounts: [
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ],
  };
}

/** The volumes: agent sockets and certs, Envoy's SDS channel, the istio-ca token and root, pod info. */
export function sidecarVolumes(t: TemplateInput): Record<string, unknown>[] {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    { name: 'istio-podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] } },
    { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: t.values.tokenAudience } }] } },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
  ];
}

/** Annotation overrides of the proxy's resources (sidecar.istio.io/proxyCPU, ...), else the values'. */
function resources(t: TemplateInput): Record<string, unknown> {
  const a = t.pod.metadata.annotations ?? {};
  const pick = (cpu: string, memory: string): Record<string, string> | undefined => {
    const out: Record<string, string> = {};
    if (a[cpu] !== undefined) out['cpu'] = a[cpu];
    if (a[memory] !== undefined) out['memory'] = a[memory];
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const requests = pick('sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyMemory');
  const limits = pick('sidecar.istio.io/proxyCPULimit', 'sidecar.istio.io/proxyMemoryLimit');
  if (requests || limits) return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
  return JSON.parse(JSON.stringify(t.values.resources)) as Record<string, unknown>;
}
