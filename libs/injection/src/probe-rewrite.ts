import type { Container, Probe } from './pod.js';

/** The probe kinds and the path suffix istio-agent serves each on (`/app-health/<container>/<suffix>`). */
const KINDS = [['readinessProbe', 'readyz'], ['livenessProbe', 'livez'], ['startupProbe', 'startupz']] as const;

/** The annotation that turns probe rewriting off for one pod. */
export const REWRITE_PROBES_ANNOTATION = 'sidecar.istio.io/rewriteAppHTTPProbers';

/**
 * istiod's app probe rewriting: with mTLS the kubelet cannot reach the app directly, so each HTTP,
 * TCP and gRPC probe of an app container is pointed at istio-agent's status port
 * (`/app-health/<container>/readyz|livez|startupz`, plain HTTP), and the original probe goes into the
 * `ISTIO_KUBE_APP_PROBERS` JSON the agent reads (named ports resolved to numbers). Mutates the
 * containers; returns the probers (empty when nothing was rewritten).
 */
export function rewriteAppProbes(containers: Container[], statusPort: number): Record<string, unknown> {
  const probers: Record<string, unknown> = {};
  for (const c of containers) {
    if (c.name === 'istio-proxy') continue;
    for (const [field, suffix] of KINDS) {
      const probe = c[field];
      if (!probe) continue;
      const original = originalProber(c, probe);
      if (!original) continue;
      const path = `/app-health/${c.name}/${suffix}`;
      probers[path] = original;
      const { httpGet: _h, tcpSocket: _t, grpc: _g, ...rest } = probe;
      c[field] = { ...rest, httpGet: { path, port: statusPort, scheme: 'HTTP' } };
    }
  }
  return probers;
}

function originalProber(c: Container, probe: Probe): Record<string, unknown> | undefined {
  const timeout = typeof probe['timeoutSeconds'] === 'number' ? { timeoutSeconds: probe['timeoutSeconds'] } : {};
  if (probe.httpGet) {
    const port = resolvePort(c, probe.httpGet.port);
    if (port === undefined) return undefined;
    return { httpGet: { ...probe.httpGet, port, ...(probe.httpGet.scheme ? {} : { scheme: 'HTTP' }) }, ...timeout };
  }
  if (probe.tcpSocket) {
    const port = resolvePort(c, probe.tcpSocket.port);
    return port === undefined ? undefined : { tcpSocket: { ...probe.tcpSocket, port }, ...timeout };
  }
  if (probe.grpc) return { grpc: { ...probe.grpc }, ...timeout };
  return undefined;
}

/** A probe port as a number: numbers as they are, names looked up in the container's ports. */
function resolvePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}
