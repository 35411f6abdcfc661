import { spawnSync } from 'node:child_process';

/** Outcome of one external command. */
export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (optionally feeding stdin) and returns its outcome; a missing binary gives code 127. */
export type RunProcess = (cmd: string, args: readonly string[], input?: string) => ProcessResult;

/** Runs a command synchronously in this network namespace. */
export const runProcess: RunProcess = (cmd, args, input) => {
  const r = spawnSync(cmd, [...args], { input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { code: 127, stdout: '', stderr: r.error.message };
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

/** A runner that enters the network namespace at `netnsPath` first (`--network-namespace`), or runs here when "". */
export function createRunner(netnsPath: string): RunProcess {
  if (netnsPath === '') return runProcess;
  return (cmd, args, input) => runProcess('nsenter', [`--net=${netnsPath}`, '--', cmd, ...args], input);
}

/** Writes one log line to stderr (stdout is reserved for the dry-run transcript). */
export function logLine(msg: string): void {
  process.stderr.write(`minipilot iptables: ${msg}\n`);
}
