import { parseSpiffe } from './identity.js';

/** The parts of an xDS node that name its workload (envoy.config.core.v3.Node). */
export interface NodeLike {
  readonly id?: string;
  /** Node metadata (google.protobuf.Struct as JSON). */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The namespace a proxy asks config for, as istiod's GetProxyConfigNamespace: metadata `NAMESPACE`,
 * else the first label of the node id's DNS domain (`sidecar~ip~pod.ns~<ns>.svc.cluster.local`).
 */
export function proxyConfigNamespace(node: NodeLike): string {
  const ns = node.metadata?.['NAMESPACE'];
  if (typeof ns === 'string' && ns !== '') return ns;
  const domain = (node.id ?? '').split('~')[3] ?? '';
  const parts = domain.split('.');
  return parts.length > 1 ? parts[0]! : '';
}

/**
 * istiod's checkConnectionIdentity: a proxy may connect only if one of the caller's identities is in
 * the proxy's config namespace and, when the node names a `SERVICE_ACCOUNT`, is that ServiceAccount.
 * Returns undefined when allowed, else istiod's message.
 */
export function checkProxyIdentity(node: NodeLike, identities: readonly string[]): string | undefined {
  const ns = proxyConfigNamespace(node);
  const sa = node.metadata?.['SERVICE_ACCOUNT'];
  const wantSa = typeof sa === 'string' ? sa : '';
  for (const raw of identities) {
    const id = parseSpiffe(raw);
    if (!id) continue;
    if (ns !== '' && id.namespace !== ns) continue;
    if (wantSa !== '' && id.serviceAccount !== wantSa) continue;
    return undefined;
  }
  return `authorization failed: no identities ([${identities.join(' ')}]) matched ${ns}/${wantSa}`;
}
