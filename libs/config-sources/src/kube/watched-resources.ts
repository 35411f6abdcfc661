import { ISTIO_KINDS, KIND_INFO, type Kind } from '@minipilot/config';
import { statusOf, type KubeGet } from './kube-get.js';

/** One kind the Kubernetes source lists and watches, at the version it reads. */
export interface WatchedResource {
  readonly kind: Kind;
  /** API group; empty for the core group. */
  readonly group: string;
  readonly version: string;
  /** `group/version`, or `v1` for the core group: what list items of built-in kinds lack. */
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The Kubernetes kinds of the service registry (Endpoints are left out: EndpointSlices replace them;
 * Nodes give their Pods' locality, as istiod's node informer does).
 */
export const REGISTRY_KINDS: readonly Kind[] = ['Service', 'EndpointSlice', 'Pod', 'Namespace', 'Node'];

/** Versions of networking.istio.io the source reads, most preferred first (v1 is Istio's storage version). */
export const ISTIO_VERSION_PREFERENCE: readonly string[] = ['v1', 'v1beta1', 'v1alpha3'];

/** Versions of security.istio.io (PeerAuthentication) the source reads, most preferred first. */
export const SECURITY_VERSION_PREFERENCE: readonly string[] = ['v1', 'v1beta1'];

/**
 * Returns the resources to watch: the registry kinds, plus the networking.istio.io kinds at
 * `istioVersion` when the API server serves that group, and PeerAuthentication at `securityVersion`
 * when it serves security.istio.io (undefined: not served, so those kinds are not watched).
 */
export function watchedResources(istioVersion: string | undefined, securityVersion?: string): WatchedResource[] {
  const kinds: Kind[] = [
    ...ISTIO_KINDS.filter((k) => (KIND_INFO[k].group === 'networking.istio.io' ? istioVersion : securityVersion) !== undefined),
    ...REGISTRY_KINDS,
  ];
  return kinds.map((kind) => {
    const info = KIND_INFO[kind];
    const version = info.group === 'networking.istio.io' ? istioVersion! : info.group === 'security.istio.io' ? securityVersion! : info.versions[0]!;
    return { kind, group: info.group, version, apiVersion: info.group ? `${info.group}/${version}` : version, plural: info.plural, namespaced: info.namespaced };
  });
}

/**
 * Returns the collection path of a resource: cluster-wide (`/apis/g/v/plural`), or inside one
 * namespace for namespaced kinds when `namespace` is given. Namespace objects are always listed
 * cluster-wide (the source narrows them with a field selector).
 */
export function collectionPath(r: WatchedResource, namespace?: string): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${root}/${r.plural}`;
}

/**
 * Asks the API server which versions of networking.istio.io it serves (`GET /apis/networking.istio.io`)
 * and returns the most preferred one minipilot reads, or undefined when the group is not served
 * (404: the Istio CRDs are not installed) or serves none of v1, v1beta1, v1alpha3. Other errors reject.
 */
export async function discoverIstioVersion(get: KubeGet): Promise<string | undefined> {
  return discoverGroupVersion(get, 'networking.istio.io', ISTIO_VERSION_PREFERENCE);
}

/**
 * Asks the API server which versions of `group` it serves (`GET /apis/<group>`) and returns the first
 * of `preference` among them, or undefined when the group is not served (404) or serves none of them.
 * Other errors reject.
 */
export async function discoverGroupVersion(get: KubeGet, groupName: string, preference: readonly string[]): Promise<string | undefined> {
  let group: { versions?: { version?: string }[] };
  try {
    group = (await get(`/apis/${groupName}`)) as typeof group;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  const served = new Set((group.versions ?? []).map((v) => v.version));
  return preference.find((v) => served.has(v));
}
