import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLabTokenAuthenticator } from './lab-token-authenticator.js';
import { bearer } from './testing/tls-client.js';

const jwt = (claims: object): string => ['{"alg":"RS256"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.c2ln';

describe('lab token mode', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-token-')), 'istio-token');
  const auth = createLabTokenAuthenticator({ tokenFile: file, trustDomain: 'cluster.local' });

  it('accepts only the token in the file; a Kubernetes JWT names its ServiceAccount, anything else is default/default', async () => {
    const token = jwt({ sub: 'system:serviceaccount:bookinfo:reviews', aud: ['istio-ca'] });
    fs.writeFileSync(file, `${token}\n`);
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ identities: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] });
    fs.writeFileSync(file, 'opaque-lab-token');
    await expect(auth.authenticate(bearer('opaque-lab-token'))).resolves.toMatchObject({ identities: ['spiffe://cluster.local/ns/default/sa/default'] });
    await expect(auth.authenticate(bearer('opaque-lab-tokeN'))).rejects.toThrow(`the bearer token does not match the lab token file ${file}`);
    await expect(auth.authenticate(bearer(undefined))).rejects.toThrow('no bearer token in the authorization metadata');
  });
});
