// The state of the emulated API server: objects of a fixed set of resources, one global
// resourceVersion counter and an event history that watches replay from (etcd's role).

/** One resource the emulated API server serves. */
export interface FakeResource {
  readonly group: string;
  readonly versions: readonly string[];
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Built-in kinds: list items carry no apiVersion/kind, as a real API server sends them. */
  readonly builtin: boolean;
}

const ISTIO = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry'];

/** The resources minipilot watches, with Istio's group served in `istioVersions`. */
export function fakeResources(istioVersions: readonly string[]): FakeResource[] {
  const istio = istioVersions.length === 0 ? [] : ISTIO.map((kind) => ({
    group: 'networking.istio.io', versions: istioVersions, kind, plural: `${kind.toLowerCase()}s`.replace(/entrys$/, 'entries'), namespaced: true, builtin: false,
  }));
  // security.istio.io comes with the Istio CRDs: served (v1, v1beta1) whenever networking.istio.io is.
  const security = istioVersions.length === 0 ? [] : [{
    group: 'security.istio.io', versions: ['v1', 'v1beta1'], kind: 'PeerAuthentication', plural: 'peerauthentications', namespaced: true, builtin: false,
  }];
  return [
    ...istio,
    ...security,
    { group: '', versions: ['v1'], kind: 'Service', plural: 'services', namespaced: true, builtin: true },
    { group: '', versions: ['v1'], kind: 'Pod', plural: 'pods', namespaced: true, builtin: true },
    { group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', namespaced: false, builtin: true },
    { group: '', versions: ['v1'], kind: 'Node', plural: 'nodes', namespaced: false, builtin: true },
    { group: '', versions: ['v1'], kind: 'Endpoints', plural: 'endpoints', namespaced: true, builtin: true },
    { group: 'discovery.k8s.io', versions: ['v1'], kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, builtin: true },
    // What istiod's CA and webhook controllers read and write.
    { group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', namespaced: true, builtin: true },
    { group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', namespaced: true, builtin: true },
    { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false, builtin: true },
    { group: 'admissionregistration.k8s.io', versions: ['v1'], kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', namespaced: false, builtin: true },
  ];
}

/** A stored object: plain JSON as a client sent it, plus the metadata the server sets. */
export type StoredObject = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; namespace?: string; resourceVersion: string } };

/** One change, as a watch sends it. */
export interface StoreEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: FakeResource;
  readonly object: StoredObject;
  readonly rv: number;
}

/** Objects, history and resourceVersions of the emulated API server. */
export interface FakeStore {
  readonly resources: readonly FakeResource[];
  /** The latest resourceVersion handed out. */
  rv(): number;
  /** The oldest resourceVersion a watch may start from; older ones get 410 Gone. */
  oldestRv(): number;
  resourceFor(group: string, plural: string): FakeResource | undefined;
  /** Creates or replaces an object (by apiVersion/kind/namespace/name); returns it as stored. */
  apply(obj: Record<string, unknown>): StoredObject;
  /** Deletes an object; returns false if it did not exist. */
  remove(kind: string, namespace: string, name: string): boolean;
  list(resource: FakeResource, namespace?: string): StoredObject[];
  /** Events after `sinceRv` for `resource` (and namespace, when given), oldest first. */
  historySince(resource: FakeResource, sinceRv: number, namespace?: string): StoreEvent[];
  /** Forgets the history (as etcd compaction does): watches from before now get 410 Gone. */
  compact(): void;
  subscribe(listener: (e: StoreEvent) => void): () => void;
}

/** Creates an empty store whose resourceVersions start after `startRv`. */
export function createFakeStore(resources: readonly FakeResource[], startRv: number): FakeStore {
  const objects = new Map<string, { resource: FakeResource; object: StoredObject }>();
  const history: StoreEvent[] = [];
  const listeners = new Set<(e: StoreEvent) => void>();
  let rv = startRv;
  let oldest = startRv;
  let uid = 0;
  const keyOf = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;

  const emit = (e: StoreEvent): void => {
    history.push(e);
    for (const l of [...listeners]) l(e);
  };

  return {
    resources,
    rv: () => rv,
    oldestRv: () => oldest,
    resourceFor: (group, plural) => resources.find((r) => r.group === group && r.plural === plural),
    apply(obj) {
      const kind = obj['kind'];
      const resource = resources.find((r) => r.kind === kind);
      if (!resource) throw new Error(`fake API server: kind ${String(kind)} is not served`);
      const meta = { ...(obj['metadata'] as Record<string, unknown>) };
      const name = meta['name'] as string;
      const ns = resource.namespaced ? (meta['namespace'] as string | undefined) ?? 'default' : '';
      const key = keyOf(resource.kind, ns, name);
      const before = objects.get(key);
      rv += 1;
      const beforeMeta: Record<string, unknown> = before?.object.metadata ?? {};
      const metadata = {
        ...meta,
        name,
        ...(resource.namespaced ? { namespace: ns } : {}),
        uid: beforeMeta['uid'] ?? `uid-${++uid}`,
        creationTimestamp: beforeMeta['creationTimestamp'] ?? new Date(Date.UTC(2024, 0, 1, 0, 0, uid)).toISOString().replace('.000', ''),
        resourceVersion: String(rv),
      } as StoredObject['metadata'];
      const apiVersion = (obj['apiVersion'] as string | undefined) ?? (resource.group ? `${resource.group}/${resource.versions[0]}` : 'v1');
      const object: StoredObject = { ...obj, apiVersion, kind: resource.kind, metadata };
      objects.set(key, { resource, object });
      emit({ type: before ? 'MODIFIED' : 'ADDED', resource, object, rv });
      return object;
    },
    remove(kind, namespace, name) {
      const resource = resources.find((r) => r.kind === kind);
      const key = keyOf(kind, resource?.namespaced ? namespace : '', name);
      const found = objects.get(key);
      if (!found) return false;
      objects.delete(key);
      rv += 1;
      const object = { ...found.object, metadata: { ...found.object.metadata, resourceVersion: String(rv) } };
      emit({ type: 'DELETED', resource: found.resource, object, rv });
      return true;
    },
    list(resource, namespace) {
      return [...objects.values()]
        .filter((o) => o.resource === resource && (namespace === undefined || o.object.metadata.namespace === namespace))
        .map((o) => o.object)
        .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
    },
    historySince: (resource, sinceRv, namespace) =>
      history.filter((e) => e.rv > sinceRv && e.resource === resource && (namespace === undefined || e.object.metadata.namespace === namespace)),
    compact() {
      history.length = 0;
      oldest = rv;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
