import { Command, CommanderError } from 'commander';
import { iptablesCommand } from './commands/iptables/index.js';
import { translateCommand } from './commands/translate/index.js';
import { simulateCommand } from './commands/simulate/index.js';
import { validateCommand } from './commands/validate/index.js';

/**
 * Builds the `minipilot` program. Each subcommand lives in its own file under ./commands and is
 * registered here explicitly (no self-registration), so `--help` lists exactly what this shows.
 */
export function createProgram(): Command {
  const program = new Command('minipilot')
    .description('minipilot: a mini Istio control plane. Tools for labs and tests.')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(iptablesCommand());
  program.addCommand(translateCommand());
  program.addCommand(simulateCommand());
  program.addCommand(validateCommand());
  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`minipilot: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
