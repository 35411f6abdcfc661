import * as tls from 'node:tls';
import { createSelfSignedCa, createServingCertificate, type ServingCertificate } from '@minipilot/ca';
import { DEFAULT_INJECTOR_CONFIG } from '@minipilot/injection';
import { createLogger } from '../logger.js';
import { startWebhookServer } from './webhook-server.js';

// The webhook server's TLS: istiod's name, from our CA, and a re-issued certificate applied to new
// connections without a restart.

describe('webhook server TLS', () => {
  let serving: ServingCertificate;
  let close: () => Promise<void>;
  let port: number;
  let root: string;

  beforeAll(async () => {
    const { bundle } = await createSelfSignedCa({ org: 'cluster.local' });
    root = bundle.rootCertPem;
    const logger = createLogger('warn');
    serving = await createServingCertificate({ bundle: () => bundle, dnsNames: ['istiod.istio-system.svc'], ttlSeconds: 3600, logger });
    const started = await startWebhookServer({
      address: '127.0.0.1:0', serving, logger,
      injection: () => ({ config: DEFAULT_INJECTOR_CONFIG, meshDefaultConfig: {}, trustDomain: 'cluster.local', proxyListenPort: 15001, discoveryAddress: 'istiod.istio-system.svc:15012' }),
    });
    port = started.port;
    close = () => new Promise((resolve) => started.server.close(() => resolve()));
  });
  afterAll(async () => {
    serving.stop();
    await close();
  });

  const served = (): Promise<tls.PeerCertificate> => new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'istiod.istio-system.svc', ca: root }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });

  it('serves istiod\'s certificate and picks up a re-issued one for new connections', async () => {
    const before = await served();
    expect(before.subjectaltname).toBe('DNS:istiod.istio-system.svc');
    await serving.rotate();
    const after = await served();
    expect(after.serialNumber).not.toBe(before.serialNumber);
  });
});
