import pino from 'pino';

/** A discovery-server logger that counts view generations instead of printing. */
export interface CountingLogger {
  readonly logger: pino.Logger;
  /** How many times the server generated and encoded a view's config so far. */
  generations(): number;
  /** The server's own timing of each generation so far (generate, check, encode; ms, rounded by the server). */
  generationMs(): readonly number[];
  /** Warnings and errors the server logged (the bench fails loudly on them). */
  problems(): string[];
}

/**
 * Creates a pino logger at debug level whose lines are only counted: the discovery server logs
 * `generated config` (debug, scope ads) once per view generation, which is the sharing metric.
 */
export function createCountingLogger(): CountingLogger {
  const ms: number[] = [];
  const problems: string[] = [];
  const sink = {
    write(line: string): void {
      if (line.includes('"msg":"generated config"')) ms.push(Number(/"ms":(\d+(?:\.\d+)?)/.exec(line)?.[1] ?? Number.NaN));
      else if (/"level":"(warn|error|fatal)"/.test(line) && problems.length < 20) problems.push(line.trim());
    },
  };
  const logger = pino({ level: 'debug', base: null, formatters: { level: (label) => ({ level: label }) } }, sink);
  return { logger, generations: () => ms.length, generationMs: () => [...ms], problems: () => [...problems] };
}
