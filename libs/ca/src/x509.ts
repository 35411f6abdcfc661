// The one place @peculiar/x509 is loaded. It resolves its ASN.1 parsers through tsyringe, which needs
// the Reflect metadata polyfill before the library's first import; and it signs with WebCrypto, so it
// is pointed at Node's implementation.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
