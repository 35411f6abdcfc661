import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { WorkerCommand, WorkerEvent } from './protocol.js';

/** The forked load-generator process, driven command by command. */
export interface WorkerHandle {
  /** Sends `command` and resolves with the next event named `event` (rejects after `timeoutMs` or if the worker dies). */
  request<E extends WorkerEvent['event']>(command: WorkerCommand, event: E, timeoutMs: number): Promise<Extract<WorkerEvent, { event: E }>>;
  /** Asks the worker to close its clients and exit; kills it if it has not exited within 3 s. */
  stop(): Promise<void>;
}

/** Forks `load-worker.js` (next to this file in dist). */
export function forkWorker(): WorkerHandle {
  const child: ChildProcess = fork(path.join(__dirname, 'load-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exitStatus = '';
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exitStatus = `code ${code}, signal ${signal}`), resolve())));
  child.on('error', (err) => (exitStatus ||= `error ${err.message}`));
  return {
    request(command, event, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`load worker: no '${event}' within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (m: WorkerEvent): void => {
          if (m.event === event) done(undefined, m as Extract<WorkerEvent, { event: typeof event }>);
        };
        const onExit = (code: number | null, signal: string | null): void => done(new Error(`load worker exited (code ${code}, signal ${signal}) while waiting for '${event}'`));
        function done(err?: Error, value?: Extract<WorkerEvent, { event: typeof event }>): void {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(value!);
        }
        if (!child.connected) return done(new Error(`load worker is gone (${exitStatus || 'IPC channel closed'})`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(command, (err) => err && done(err));
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) child.send({ cmd: 'exit' } satisfies WorkerCommand);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
