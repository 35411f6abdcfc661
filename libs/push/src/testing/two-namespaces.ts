import { loadYaml, createConfigSnapshot, type ConfigObject } from '@minipilot/config';
import { buildPushContext, type PushContext } from '@minipilot/translation';

/**
 * A small two-namespace mesh for pipeline tests: per namespace `a` and `b` a Service `web` (port 80)
 * with two Pods (10.1.<ns>.1/2) and its EndpointSlice, a DestinationRule with subsets v1/v2 and a
 * VirtualService splitting `weight`/100-weight between them, both exported to their own namespace only.
 */
export function twoNamespaceConfig(opts: { weightA?: number; extraPodA?: boolean; selectorDr?: boolean } = {}): ConfigObject[] {
  const docs: string[] = [];
  for (const [ns, n] of [['a', 1], ['b', 2]] as const) {
    const weight = ns === 'a' ? (opts.weightA ?? 90) : 50;
    const ips = [`10.1.${n}.1`, `10.1.${n}.2`, ...(ns === 'a' && opts.extraPodA ? [`10.1.${n}.3`] : [])];
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {clusterIP: 10.0.${n}.1, selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}`);
    ips.forEach((ip, i) => docs.push(`apiVersion: v1
kind: Pod
metadata: {name: web-${i}, namespace: ${ns}, labels: {app: web, version: v${(i % 2) + 1}}}
status: {phase: Running, podIP: ${ip}}`));
    docs.push(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: ${ns}, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
${ips.map((ip, i) => `  - {addresses: [${ip}], conditions: {ready: true}, targetRef: {kind: Pod, name: web-${i}, namespace: ${ns}}}`).join('\n')}`);
    docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: ${ns}}
spec: {host: web, exportTo: ['.'], subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}`);
    docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: ${ns}}
spec:
  hosts: [web]
  exportTo: ['.']
  http: [{route: [{destination: {host: web, subset: v1}, weight: ${weight}}, {destination: {host: web, subset: v2}, weight: ${100 - weight}}]}]`);
  }
  if (opts.selectorDr) {
    docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web-for-canary, namespace: a}
spec: {host: web.b.svc.cluster.local, workloadSelector: {matchLabels: {role: canary}}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}`);
  }
  return [...loadYaml(docs.join('\n---\n')).objects];
}

/** Builds a push context from objects, reusing the instances of `previous` whose content is unchanged (as config sources do). */
export function pushOf(objects: readonly ConfigObject[], previous?: readonly ConfigObject[]): PushContext {
  const keep = new Map((previous ?? []).map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o]));
  const same = (a: ConfigObject, b: ConfigObject): boolean => JSON.stringify({ ...a, origin: undefined }) === JSON.stringify({ ...b, origin: undefined });
  const merged = objects.map((o) => {
    const old = keep.get(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    return old && same(old, o) ? old : o;
  });
  return buildPushContext(createConfigSnapshot(merged));
}

/**
 * A root VirtualService `web-root` in namespace `a` for `web.a` (exported to `rootExportTo`, by
 * default `a` and `b`) delegating to `routes` in namespace `c`, which is exported only where istiod
 * needs it: to `a`, the root's namespace. The delegate routes to `web.a`'s subset `subset`.
 */
export function delegation(subset: string, rootExportTo = "['.', b]"): ConfigObject[] {
  return [...loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-root, namespace: a}
spec:
  hosts: [web]
  exportTo: ${rootExportTo}
  http: [{match: [{uri: {prefix: /}}], delegate: {name: routes, namespace: c}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: routes, namespace: c}
spec:
  exportTo: [a]
  http: [{route: [{destination: {host: web.a.svc.cluster.local, subset: ${subset}}}]}]
`).objects];
}
