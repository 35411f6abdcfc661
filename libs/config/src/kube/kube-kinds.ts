import { z } from 'zod';
import { stringMap, int } from '../schema-helpers.js';

// Kubernetes objects are read leniently: only the fields minipilot uses are typed and checked;
// everything else (status, managedFields, container specs...) passes through untouched.

/** core/v1 ServicePort. */
export const ServicePort = z.looseObject({
  name: z.string().optional(),
  port: int,
  targetPort: z.union([int, z.string()]).optional(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
  nodePort: int.optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

/** core/v1 ServiceSpec. */
export const ServiceSpec = z.looseObject({
  ports: z.array(ServicePort).optional(),
  selector: stringMap.optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  type: z.string().optional(),
  externalName: z.string().optional(),
  /** Headless DNS (NDS name tables) lists not-ready endpoints too. */
  publishNotReadyAddresses: z.boolean().optional(),
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;

const ObjectReference = z.looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() });

/** discovery.k8s.io/v1 Endpoint. */
export const SliceEndpoint = z.looseObject({
  addresses: z.array(z.string()),
  conditions: z.looseObject({ ready: z.boolean().optional(), serving: z.boolean().optional(), terminating: z.boolean().optional() }).optional(),
  targetRef: ObjectReference.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hostname: z.string().optional(),
});
export type SliceEndpoint = z.infer<typeof SliceEndpoint>;

/** discovery.k8s.io/v1 EndpointPort. */
export const SlicePort = z.looseObject({ name: z.string().optional(), port: int.optional(), protocol: z.string().optional(), appProtocol: z.string().optional() });

/** discovery.k8s.io/v1 EndpointSlice (top-level fields, no spec). */
export const EndpointSliceBody = z.looseObject({
  addressType: z.string().optional(),
  endpoints: z.array(SliceEndpoint).nullish(),
  ports: z.array(SlicePort).nullish(),
});
export type EndpointSliceBody = z.infer<typeof EndpointSliceBody>;

const EndpointAddress = z.looseObject({ ip: z.string(), targetRef: ObjectReference.optional(), nodeName: z.string().optional(), hostname: z.string().optional() });

/** core/v1 Endpoints (top-level subsets). */
export const EndpointsBody = z.looseObject({
  subsets: z.array(z.looseObject({
    addresses: z.array(EndpointAddress).optional(),
    notReadyAddresses: z.array(EndpointAddress).optional(),
    ports: z.array(z.looseObject({ name: z.string().optional(), port: int, protocol: z.string().optional(), appProtocol: z.string().optional() })).optional(),
  })).nullish(),
});
export type EndpointsBody = z.infer<typeof EndpointsBody>;

/** core/v1 Pod: the parts minipilot uses (labels via metadata, IPs, node, service account). */
export const PodBody = z.looseObject({
  // hostname + subdomain: the pod's DNS name `<hostname>.<subdomain>.<ns>.svc.<domain>` (StatefulSets), in NDS name tables.
  spec: z.looseObject({ nodeName: z.string().optional(), serviceAccountName: z.string().optional(), hostname: z.string().optional(), subdomain: z.string().optional() }).optional(),
  status: z.looseObject({
    podIP: z.string().optional(),
    podIPs: z.array(z.looseObject({ ip: z.string() })).optional(),
    phase: z.string().optional(),
  }).optional(),
});
export type PodBody = z.infer<typeof PodBody>;
