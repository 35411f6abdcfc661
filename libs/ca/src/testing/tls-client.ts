import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { discoveryV3 } from '@minipilot/envoy-api';
import { adsServiceDefinition } from '@minipilot/xds-server';
import { caServiceDefinition } from '../ca-service.js';
import { IstioCertificateRequestSchema, type IstioCertificateResponse } from '../gen/ca_pb.js';
import { x509 } from '../x509.js';

// Test clients that speak to the secure server the way istio-agent does: TLS verified against the
// published root with istiod's name, and the ServiceAccount token in `authorization: Bearer`.

/** The name istio-agent verifies istiod's certificate against (CA_ADDR istiod.istio-system.svc:15012). */
export const ISTIOD_NAME = 'istiod.istio-system.svc';

/** TLS credentials trusting `rootPem`, checking the server's name against istiod's. */
export function istiodCredentials(rootPem: string): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(rootPem));
}

const channelOptions = { 'grpc.ssl_target_name_override': ISTIOD_NAME, 'grpc.default_authority': ISTIOD_NAME };

/** Bearer metadata, or none. */
export function bearer(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A fresh ECDSA P-256 key and a CSR for `sans` (URI SANs), as istio-agent generates them. */
export async function generateCsr(sans: readonly string[]): Promise<{ csrPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await x509.cryptoProvider.get().subtle.generateKey(alg, true, ['sign', 'verify']) as { privateKey: never; publicKey: never };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys, signingAlgorithm: alg,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'url' as const, value })))] : [],
  });
  return { csrPem: csr.toString('pem') };
}

/** Calls CreateCertificate over TLS. */
export function createCertificate(port: number, rootPem: string, token: string | undefined, csrPem: string, validitySeconds = 0): Promise<IstioCertificateResponse> {
  const client = new grpc.Client(`127.0.0.1:${port}`, istiodCredentials(rootPem), channelOptions);
  const m = caServiceDefinition.CreateCertificate;
  const request = create(IstioCertificateRequestSchema, { csr: csrPem, validityDuration: BigInt(validitySeconds) });
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, bearer(token), (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res!);
    });
  });
}

/** Opens a delta ADS stream over TLS (istio-agent's default), subscribes to CDS and resolves with the first response or the error. */
export function firstDeltaResponse(port: number, rootPem: string, token: string | undefined, node: { id: string; metadata?: Record<string, string> }): Promise<discoveryV3.DeltaDiscoveryResponse> {
  const client = new grpc.Client(`127.0.0.1:${port}`, istiodCredentials(rootPem), channelOptions);
  const m = adsServiceDefinition.DeltaAggregatedResources;
  const call = client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, bearer(token));
  const request = create(discoveryV3.DeltaDiscoveryRequestSchema, { node, typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
  return firstOf(client, call, request);
}

/** Opens an ADS stream over TLS, sends one CDS request for `node` and resolves with the first response or the error. */
export function firstAdsResponse(port: number, rootPem: string, token: string | undefined, node: { id: string; metadata?: Record<string, string> }): Promise<discoveryV3.DiscoveryResponse> {
  const client = new grpc.Client(`127.0.0.1:${port}`, istiodCredentials(rootPem), channelOptions);
  const m = adsServiceDefinition.StreamAggregatedResources;
  const call = client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, bearer(token));
  return firstOf(client, call, create(discoveryV3.DiscoveryRequestSchema, { node, typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' }));
}

function firstOf<Req, Res>(client: grpc.Client, call: grpc.ClientDuplexStream<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    call.on('data', (res: Res) => {
      call.cancel();
      client.close();
      resolve(res);
    });
    call.on('error', (err: grpc.ServiceError) => {
      client.close();
      if (err.code !== grpc.status.CANCELLED) reject(err);
    });
    call.write(request);
  });
}
