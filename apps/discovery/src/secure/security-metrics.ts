import { Counter, Gauge, type Registry } from 'prom-client';
import type { CaErrorReason } from '@minipilot/ca';

/** istiod's CA and webhook metrics (names as istiod exports them, so its dashboards work). */
export interface SecurityMetrics {
  /** One CreateCertificate outcome. */
  onCsr(outcome: 'ok' | CaErrorReason): void;
  /** One webhook outcome: inject injected/skipped/failed, validate passed/failed/skipped. */
  onWebhook(webhook: 'inject' | 'validate', outcome: string): void;
  /** The root's expiry, as citadel_server_root_cert_expiry_timestamp. */
  setRootExpiry(notAfter: Date): void;
}

/** Registers the metrics in the monitoring server's registry. */
export function createSecurityMetrics(registry: Registry): SecurityMetrics {
  const c = (name: string, help: string, labelNames: string[] = []): Counter => new Counter({ name, help, labelNames, registers: [registry] });
  const csr = c('citadel_server_csr_count', 'The number of CSRs received by Citadel server.');
  const authn = c('citadel_server_authentication_failure_count', 'The number of authentication failures.');
  const parseErr = c('citadel_server_csr_parsing_err_count', 'The number of errors occurred when parsing the CSR.');
  const signErr = c('citadel_server_csr_sign_err_count', 'The number of errors occurred when signing the CSR.', ['error_type']);
  const issued = c('citadel_server_success_cert_issuance_count', 'The number of certificates issuances that have succeeded.');
  const rootExpiry = new Gauge({ name: 'citadel_server_root_cert_expiry_timestamp', help: 'The unix timestamp, in seconds, when Citadel root cert will expire.', registers: [registry] });
  const injectReq = c('sidecar_injection_requests_total', 'Total number of sidecar injection requests.');
  const injectOk = c('sidecar_injection_success_total', 'Total number of successful sidecar injection requests.');
  const injectSkip = c('sidecar_injection_skip_total', 'Total number of skipped sidecar injection requests.');
  const injectFail = c('sidecar_injection_failure_total', 'Total number of failed sidecar injection requests.');
  const passed = c('galley_validation_passed', 'Resource is valid.');
  const failed = c('galley_validation_failed', 'Resource validation failed.');
  return {
    onCsr(outcome) {
      csr.inc();
      if (outcome === 'ok') issued.inc();
      else if (outcome === 'Unauthenticated') authn.inc();
      else if (outcome === 'CsrInvalid') parseErr.inc();
      else signErr.inc({ error_type: outcome });
    },
    onWebhook(webhook, outcome) {
      if (webhook === 'inject') {
        injectReq.inc();
        (outcome === 'injected' ? injectOk : outcome === 'skipped' ? injectSkip : injectFail).inc();
      } else if (outcome === 'passed') passed.inc();
      else if (outcome === 'failed') failed.inc();
    },
    setRootExpiry(notAfter) {
      rootExpiry.set(Math.floor(notAfter.getTime() / 1000));
    },
  };
}
