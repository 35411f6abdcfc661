import {
  buildCheckCommands, findStateDrift, hasResidue, parseCaptureState, type CapturePlan, type IptablesRule,
} from '@minipilot/iptables';
import type { IptablesBinaries } from './iptables-binaries.js';
import { logLine, type RunProcess } from './run-process.js';

/** One family's binaries and planned rules. */
interface FamilyRun {
  readonly name: 'IPv4' | 'IPv6';
  readonly iptables: string;
  readonly save: string;
  readonly restore: string;
  readonly rules: readonly IptablesRule[];
  readonly restoreText: string;
  readonly cleanup: readonly string[][];
}

function familyRuns(plan: CapturePlan, bins: IptablesBinaries): FamilyRun[] {
  const runs: FamilyRun[] = [{
    name: 'IPv4', iptables: bins.iptables, save: bins.save, restore: bins.restore,
    rules: plan.rulesV4, restoreText: plan.restoreV4, cleanup: plan.cleanupV4,
  }];
  if (plan.config.enableIpv6) {
    runs.push({
      name: 'IPv6', iptables: bins.ip6tables, save: bins.save6, restore: bins.restore6,
      rules: plan.rulesV6, restoreText: plan.restoreV6, cleanup: plan.cleanupV6,
    });
  }
  return runs;
}

/** Deletes what the plan creates (failures ignored: a rule or chain may already be gone). */
export function cleanupPlan(run: RunProcess, plan: CapturePlan, bins: IptablesBinaries): void {
  for (const fam of familyRuns(plan, bins)) {
    let removed = 0;
    for (const cmd of fam.cleanup) if (run(fam.iptables, cmd).code === 0) removed++;
    logLine(`${fam.name} clean-up: ${removed} of ${fam.cleanup.length} commands applied (the others had nothing to remove)`);
  }
  for (const cmd of plan.ipCleanup) run('ip', cmd);
}

/** Residue and drift of the current state against the plan, over all planned families. */
function inspectState(run: RunProcess, runs: readonly FamilyRun[]): { residue: boolean; drift: string[] } {
  let residue = false;
  const drift: string[] = [];
  for (const fam of runs) {
    const save = run(fam.save, []);
    if (save.code !== 0) throw new Error(`${fam.save} failed: ${save.stderr.trim()}`);
    const state = parseCaptureState(save.stdout);
    if (!hasResidue(state)) continue;
    residue = true;
    drift.push(...findStateDrift(state, fam.rules).map((d) => `${fam.name}: ${d}`));
    for (const cmd of buildCheckCommands(fam.rules)) {
      if (run(fam.iptables, cmd).code !== 0) drift.push(`${fam.name}: rule missing: ${cmd.join(' ')}`);
    }
  }
  return { residue, drift };
}

function restoreAll(run: RunProcess, runs: readonly FamilyRun[], bins: IptablesBinaries): void {
  const args = bins.flavour === 'legacy' ? ['--noflush', '--wait=30'] : ['--noflush'];
  for (const fam of runs) {
    if (fam.restoreText === '') continue;
    logLine(`running ${fam.restore} ${args.join(' ')} with input:\n${fam.restoreText.trimEnd()}`);
    const r = run(fam.restore, args, fam.restoreText);
    if (r.code !== 0) throw new Error(`${fam.restore} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}

/**
 * Programs the plan (istio-iptables' idempotent flow): a clean state is applied; rules already in place are left
 * alone (unless --force-apply); drifted residue is cleaned up and re-applied with --reconcile, otherwise applied anyway
 * (which usually fails on existing chains). Then the `ip` route/address set-up runs ("exists" errors ignored).
 */
export function applyPlan(run: RunProcess, plan: CapturePlan, bins: IptablesBinaries): void {
  const runs = familyRuns(plan, bins);
  const { residue, drift } = inspectState(run, runs);
  const { forceApply, reconcile } = plan.config;
  if (residue && drift.length === 0 && !forceApply) {
    logLine('the rules are already in place; nothing to do (use --force-apply to apply anyway)');
  } else {
    if (residue && drift.length > 0) {
      logLine(`existing ISTIO_* rules differ from this configuration:\n  ${drift.join('\n  ')}`);
      if (reconcile) {
        logLine('reconciling: removing the existing rules first');
        cleanupPlan(run, plan, bins);
      } else {
        logLine('reconcile is recommended (--reconcile); applying anyway');
      }
    }
    restoreAll(run, runs, bins);
  }
  for (const cmd of plan.ipSetup) {
    const r = run('ip', cmd);
    if (r.code !== 0 && !/exists/i.test(r.stderr)) throw new Error(`ip ${cmd.join(' ')} failed: ${r.stderr.trim()}`);
  }
  for (const fam of runs) logLine(`${fam.save} after apply:\n${run(fam.save, []).stdout.trimEnd()}`);
}
