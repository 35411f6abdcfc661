import type { Pod } from './pod.js';

/** The workload a pod belongs to (istiod's DeploymentMeta + TypeMeta). */
export interface WorkloadMeta {
  readonly name: string;
  readonly namespace: string;
  readonly kind: string;
  readonly apiVersion: string;
}

/**
 * istiod's GetDeployMetaFromPod: a ReplicaSet owner with the pod-template-hash suffix means the
 * Deployment of that name (apps/v1); a Job owner whose pod has no other owner a Job (batch/v1); any
 * other controller owner that owner; a bare pod itself (its name, or generateName without the
 * trailing `-`).
 */
export function workloadMeta(pod: Pod, namespace: string): WorkloadMeta {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (owner) {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
      return { name: owner.name.slice(0, -(hash.length + 1)), namespace, kind: 'Deployment', apiVersion: 'apps/v1' };
    }
    return { name: owner.name, namespace, kind: owner.kind, apiVersion: owner.apiVersion };
  }
  const name = pod.metadata.name || (pod.metadata.generateName ?? '').replace(/-$/, '');
  return { name, namespace, kind: 'Pod', apiVersion: 'v1' };
}
