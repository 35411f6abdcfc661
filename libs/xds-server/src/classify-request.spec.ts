import { classifyRequest, type RequestKind } from './classify-request.js';

describe('classifyRequest', () => {
  const cases: [string, { known: boolean; lastNonce: string }, { responseNonce: string; hasError: boolean; delta: boolean }, RequestKind][] = [
    ['first request of a type', { known: false, lastNonce: '' }, { responseNonce: '', hasError: false, delta: false }, 'initial'],
    ['first request on a new stream with an old nonce', { known: false, lastNonce: '' }, { responseNonce: '7', hasError: false, delta: false }, 'initial'],
    ['ACK of the latest nonce', { known: true, lastNonce: '3' }, { responseNonce: '3', hasError: false, delta: false }, 'ack'],
    ['NACK of the latest nonce', { known: true, lastNonce: '3' }, { responseNonce: '3', hasError: true, delta: false }, 'nack'],
    ['older nonce', { known: true, lastNonce: '3' }, { responseNonce: '2', hasError: false, delta: false }, 'stale'],
    ['NACK of an older nonce', { known: true, lastNonce: '3' }, { responseNonce: '2', hasError: true, delta: false }, 'stale'],
    ['SotW: no nonce after a response was sent', { known: true, lastNonce: '3' }, { responseNonce: '', hasError: false, delta: false }, 'stale'],
    ['SotW: no nonce before any response', { known: true, lastNonce: '' }, { responseNonce: '', hasError: false, delta: false }, 'update'],
    ['delta: no nonce is a subscription change', { known: true, lastNonce: '3' }, { responseNonce: '', hasError: false, delta: true }, 'update'],
    ['delta: ACK', { known: true, lastNonce: '3' }, { responseNonce: '3', hasError: false, delta: true }, 'ack'],
    ['delta: stale', { known: true, lastNonce: '3' }, { responseNonce: '1', hasError: false, delta: true }, 'stale'],
  ];
  it.each(cases)('%s', (_name, state, input, want) => {
    expect(classifyRequest(state, input)).toBe(want);
  });
});
