/** Istio protocols (pkg/config/protocol). `Unsupported` means "sniff" (auto). */
export type Protocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'GRPC-Web' | 'HTTPS' | 'TLS' | 'TCP' | 'Mongo' | 'MySQL' | 'Redis' | 'UDP' | 'HTTP_PROXY' | 'Unsupported';

const BY_NAME: Readonly<Record<string, Protocol>> = {
  http: 'HTTP', http2: 'HTTP2', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', https: 'HTTPS', tls: 'TLS', tcp: 'TCP',
  mongo: 'Mongo', mysql: 'MySQL', redis: 'Redis', udp: 'UDP', http_proxy: 'HTTP_PROXY',
};

/** Parses a protocol name case-insensitively (ServiceEntry/Gateway `protocol`); unknown → Unsupported. */
export function parseProtocol(name: string | undefined): Protocol {
  return (name && BY_NAME[name.toLowerCase()]) || 'Unsupported';
}

/**
 * The protocol of a Kubernetes Service port as istiod infers it: `appProtocol` first, then the
 * port-name prefix before `-` (`http-web` → HTTP), else well-known ports, else Unsupported (sniffed).
 */
export function kubePortProtocol(port: { name?: string | undefined; port: number; protocol?: string | undefined; appProtocol?: string | undefined }): Protocol {
  if (port.protocol === 'UDP') return 'UDP';
  if (port.appProtocol) {
    const p = parseProtocol(port.appProtocol.replace(/^kubernetes\.io\/(h2c|ws|wss)$/, (_m, x: string) => (x === 'h2c' ? 'http2' : 'http')));
    if (p !== 'Unsupported') return p;
  }
  if (port.name) {
    const prefix = port.name.split('-')[0] ?? '';
    const p = parseProtocol(prefix);
    if (p !== 'Unsupported') return p;
  }
  if ([25, 53, 3306, 27017].includes(port.port)) return 'TCP';
  return 'Unsupported';
}

/** True for protocols served through an HTTP connection manager. */
export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web' || p === 'HTTP_PROXY';
}

/** True for protocols whose upstream is HTTP/2 (gRPC, h2). */
export function isHttp2Protocol(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';
}
