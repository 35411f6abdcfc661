import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createFileSource } from '@minipilot/config-sources';
import { createCertificate, firstAdsResponse, generateCsr } from '@minipilot/ca/src/testing/tls-client';
import { x509 } from '@minipilot/ca';
import { startDiscoveryServer, type DiscoveryServer } from '../discovery-server.js';
import { createLogger } from '../logger.js';
import { EMBEDDED_LAB_DIR } from '../options.js';

// `npm start` without a cluster: the CA root lives in --ca-dir, /debug/ca-root serves it, and the lab
// token mode lets an istio-agent-like client get a certificate and ADS over TLS on the secure port.

const NODE = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default' } };
const LAB_TOKEN = 'lab-token-for-tests';

let dir: string;
let server: DiscoveryServer | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-secure-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(labTokenFile?: string): Promise<DiscoveryServer> {
  return startDiscoveryServer({
    source: createFileSource({ dir: EMBEDDED_LAB_DIR }), sourceName: EMBEDDED_LAB_DIR,
    grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger: createLogger('warn'),
    security: { secureGrpcAddr: '127.0.0.1:0', mode: { type: 'file', caDir: path.join(dir, 'ca'), namespace: 'istio-system', ...(labTokenFile ? { labTokenFile } : {}) } },
  });
}

async function caRoot(s: DiscoveryServer): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${s.monitoringPort}/debug/ca-root`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('the secure port without a cluster', () => {
  it('keeps its root in --ca-dir across restarts and serves it at /debug/ca-root', async () => {
    server = await start();
    const root = await caRoot(server);
    expect(root).toBe(fs.readFileSync(path.join(dir, 'ca', 'root-cert.pem'), 'utf8'));
    expect(fs.statSync(path.join(dir, 'ca', 'ca-key.pem')).mode & 0o777).toBe(0o600);
    await server.stop();
    server = await start();
    expect(await caRoot(server)).toBe(root);
  });

  it('refuses every call when no lab token is configured', async () => {
    server = await start();
    const root = await caRoot(server);
    const { csrPem } = await generateCsr(['spiffe://cluster.local/ns/default/sa/default']);
    await expect(createCertificate(server.securePort!, root, 'anything', csrPem)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });

  it('in lab token mode, issues the default/default certificate and serves the lab config over TLS', async () => {
    const tokenFile = path.join(dir, 'istio-token');
    fs.writeFileSync(tokenFile, `${LAB_TOKEN}\n`);
    server = await start(tokenFile);
    const root = await caRoot(server);
    const { csrPem } = await generateCsr(['spiffe://cluster.local/ns/default/sa/default']);
    const res = await createCertificate(server.securePort!, root, LAB_TOKEN, csrPem);
    expect(res.certChain.at(-1)).toBe(root);
    const san = new x509.X509Certificate(res.certChain[0]!).getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.items.map((n) => n.value)).toEqual(['spiffe://cluster.local/ns/default/sa/default']);

    const metrics = await (await fetch(`http://127.0.0.1:${server.monitoringPort}/metrics`)).text();
    expect(metrics).toMatch(/^citadel_server_success_cert_issuance_count 1$/m);
    expect(metrics).toMatch(/^citadel_server_csr_count 1$/m);

    const cds = await firstAdsResponse(server.securePort!, root, LAB_TOKEN, NODE);
    expect(cds.resources.length).toBeGreaterThan(0);
    await expect(firstAdsResponse(server.securePort!, root, 'wrong-token', NODE)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});
