import type { Protocol } from './protocol.js';

/** One port of a service. */
export interface ServicePortModel {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** How clients reach a service's endpoints (istiod's model.Resolution). */
export type Resolution = 'ClientSideLB' | 'Passthrough' | 'DNSLB' | 'DNSRoundRobinLB';

/** A service in the registry: a Kubernetes Service or one host of a ServiceEntry. */
export interface ServiceModel {
  /** FQDN, e.g. `reviews.default.svc.cluster.local`, or the ServiceEntry host as written. */
  readonly hostname: string;
  readonly name: string;
  readonly namespace: string;
  readonly registry: 'Kubernetes' | 'External';
  readonly ports: readonly ServicePortModel[];
  /** VIPs (ClusterIP or ServiceEntry addresses); empty if none. */
  readonly addresses: readonly string[];
  /**
   * A ServiceEntry's CIDR addresses (`10.1.0.0/16`; a /32 or /128 is a plain address instead): the
   * service listens on 0.0.0.0 and its TCP/TLS chains match these prefixes (istiod listener.go).
   */
  readonly cidrs?: readonly string[];
  readonly resolution: Resolution;
  readonly meshExternal: boolean;
  /** Namespaces the service is visible to (`*` = all, `.` already resolved to its namespace). */
  readonly exportTo: readonly string[];
  /** Where it came from, e.g. `Service/default/reviews` (for metadata and errors). */
  readonly configKey: string;
  readonly creationTimestamp?: string;
}

/** Locality of an endpoint (region/zone/subzone), empty strings when unknown. */
export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

/** One endpoint of a service port. */
export interface EndpointModel {
  /** IP address (or hostname for DNS ServiceEntries). */
  readonly address: string;
  /** The port traffic is sent to (the target port). */
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  readonly healthy: boolean;
  readonly weight: number;
  readonly serviceAccount?: string;
}
