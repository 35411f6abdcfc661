import type { VirtualService } from './istio/virtual-service.js';
import type { DestinationRule } from './istio/destination-rule.js';
import type { Gateway } from './istio/gateway.js';
import type { ServiceEntry } from './istio/service-entry.js';
import type { PeerAuthentication } from './istio/peer-authentication.js';
import type { ServiceSpec, EndpointSliceBody, EndpointsBody, PodBody } from './kube/kube-kinds.js';
import type { ObjectMeta, ConfigOrigin } from './meta.js';

/** The Istio kinds minipilot serves: networking.istio.io's, and security.istio.io's PeerAuthentication. */
export const ISTIO_KINDS = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'PeerAuthentication'] as const;
/** The Kubernetes kinds that describe the service registry. */
export const KUBE_KINDS = ['Service', 'EndpointSlice', 'Endpoints', 'Pod', 'Namespace', 'Node'] as const;
export type IstioKind = (typeof ISTIO_KINDS)[number];
export type KubeKind = (typeof KUBE_KINDS)[number];
export type Kind = IstioKind | KubeKind;

/** API group and served versions per kind (Istio's v1 is the storage version; v1beta1 and v1alpha3 are still served). */
export const KIND_INFO: Readonly<Record<Kind, { group: string; versions: readonly string[]; plural: string; namespaced: boolean }>> = {
  VirtualService: { group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], plural: 'virtualservices', namespaced: true },
  DestinationRule: { group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], plural: 'destinationrules', namespaced: true },
  Gateway: { group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], plural: 'gateways', namespaced: true },
  ServiceEntry: { group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'], plural: 'serviceentries', namespaced: true },
  PeerAuthentication: { group: 'security.istio.io', versions: ['v1', 'v1beta1'], plural: 'peerauthentications', namespaced: true },
  Service: { group: '', versions: ['v1'], plural: 'services', namespaced: true },
  EndpointSlice: { group: 'discovery.k8s.io', versions: ['v1'], plural: 'endpointslices', namespaced: true },
  Endpoints: { group: '', versions: ['v1'], plural: 'endpoints', namespaced: true },
  Pod: { group: '', versions: ['v1'], plural: 'pods', namespaced: true },
  Namespace: { group: '', versions: ['v1'], plural: 'namespaces', namespaced: false },
  Node: { group: '', versions: ['v1'], plural: 'nodes', namespaced: false },
};

interface Base<K extends Kind> {
  readonly kind: K;
  readonly apiVersion: string;
  readonly metadata: ObjectMeta;
  readonly origin?: ConfigOrigin;
}
export interface VirtualServiceConfig extends Base<'VirtualService'> { readonly spec: VirtualService }
export interface DestinationRuleConfig extends Base<'DestinationRule'> { readonly spec: DestinationRule }
export interface GatewayConfig extends Base<'Gateway'> { readonly spec: Gateway }
export interface ServiceEntryConfig extends Base<'ServiceEntry'> { readonly spec: ServiceEntry }
export interface PeerAuthenticationConfig extends Base<'PeerAuthentication'> { readonly spec: PeerAuthentication }
export interface ServiceConfig extends Base<'Service'> { readonly spec: ServiceSpec }
export interface EndpointSliceConfig extends Base<'EndpointSlice'> { readonly body: EndpointSliceBody }
export interface EndpointsConfig extends Base<'Endpoints'> { readonly body: EndpointsBody }
export interface PodConfig extends Base<'Pod'> { readonly body: PodBody }
export interface NamespaceConfig extends Base<'Namespace'> {}
/** A Kubernetes Node: only its labels are read (topology labels give its Pods' locality). */
export interface NodeConfig extends Base<'Node'> {}

/** One typed, schema-checked config object. */
export type ConfigObject =
  | VirtualServiceConfig | DestinationRuleConfig | GatewayConfig | ServiceEntryConfig | PeerAuthenticationConfig
  | ServiceConfig | EndpointSliceConfig | EndpointsConfig | PodConfig | NamespaceConfig | NodeConfig;

/** Selects the object type of a kind: `ConfigOf<'Gateway'>` is `GatewayConfig`. */
export type ConfigOf<K extends Kind> = Extract<ConfigObject, { kind: K }>;

/** The identity of an object: `Kind/namespace/name` (namespace empty for cluster-scoped kinds). */
export function configKey(obj: { kind: string; metadata: { namespace: string; name: string } }): string {
  return `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** True if `kind` is one minipilot reads. */
export function isKnownKind(kind: unknown): kind is Kind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(KIND_INFO, kind);
}
