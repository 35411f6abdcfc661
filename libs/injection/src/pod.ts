/** The parts of a Kubernetes Pod the injector reads and writes; everything else passes through untouched. */
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: PodSpec;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; controller?: boolean }[];
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  serviceAccountName?: string;
  [key: string]: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  [key: string]: unknown;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string; host?: string; httpHeaders?: unknown[] };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  env?: Record<string, unknown>[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  [key: string]: unknown;
}

/** A deep copy (pods are plain JSON). */
export function clonePod(pod: Pod): Pod {
  return JSON.parse(JSON.stringify(pod)) as Pod;
}
