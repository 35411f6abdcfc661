/**
 * @minipilot/ca: istiod's certificate authority and secure gRPC endpoint. `CreateCertificate`
 * (istio.v1.auth.IstioCertificateService) with TokenReview or lab-token authentication, a
 * self-managed (istio-ca-secret) or plugged-in (cacerts) root, the istio-ca-root-cert publisher, and
 * the TLS server for 15012 that also authenticates and authorises xDS streams.
 */
export { x509 } from './x509.js';
export type { SpiffeIdentity } from './identity.js';
export { formatSpiffe, parseSpiffe, identityFromServiceAccountUser } from './identity.js';
export { CaError } from './ca-error.js';
export type { CaErrorReason } from './ca-error.js';
export type { CaBundle, CaFiles, SelfSignedOptions } from './ca-bundle.js';
export { createSelfSignedCa, loadCa, splitPem, DEFAULT_ROOT_TTL_SECONDS } from './ca-bundle.js';
export type { TtlPolicy, SignRequest } from './sign-csr.js';
export { signCsr, issueServingCert, DEFAULT_WORKLOAD_CERT_TTL_SECONDS, MAX_WORKLOAD_CERT_TTL_SECONDS } from './sign-csr.js';
export type { Authenticator, Caller } from './authenticator.js';
export { bearerToken, ISTIO_CA_AUDIENCE } from './authenticator.js';
export type { TokenReviewAuthenticatorOptions } from './token-review-authenticator.js';
export { createTokenReviewAuthenticator, callerFromReview } from './token-review-authenticator.js';
export type { LabTokenAuthenticatorOptions } from './lab-token-authenticator.js';
export { createLabTokenAuthenticator } from './lab-token-authenticator.js';
export type { CaServiceOptions, GrpcService } from './ca-service.js';
export { createCaService, caServiceDefinition, CA_SERVICE_NAME, CA_ERROR_STATUS } from './ca-service.js';
export type { NodeLike } from './proxy-identity.js';
export { proxyConfigNamespace, checkProxyIdentity } from './proxy-identity.js';
export type { SecureGrpcOptions, SecureGrpcServer } from './secure-grpc-server.js';
export { listenSecureGrpc } from './secure-grpc-server.js';
export type { ServingCertificate, ServingCertificateOptions, ServingPem } from './serving-certificate.js';
export { createServingCertificate } from './serving-certificate.js';
export { loadOrCreateFileCa, CA_FILE_NAMES } from './file-ca-store.js';
export type { KubeCaOptions } from './kube-ca-store.js';
export { loadOrCreateKubeCa, CA_SECRET, PLUGGED_CA_SECRET, CA_SECRET_TYPE } from './kube-ca-store.js';
export type { RootCertPublisherOptions, RootCertPublisher } from './root-cert-publisher.js';
export { startRootCertPublisher, ROOT_CERT_CONFIGMAP, ROOT_CERT_KEY, ROOT_CERT_LABELS, IGNORED_NAMESPACES } from './root-cert-publisher.js';
export type { KeptInformer } from './keep-watching.js';
export { keepWatching } from './keep-watching.js';
export type { Logger } from './logger.js';
export { silentLogger } from './logger.js';
export { IstioCertificateRequestSchema, IstioCertificateResponseSchema } from './gen/ca_pb.js';
export type { IstioCertificateRequest, IstioCertificateResponse } from './gen/ca_pb.js';
