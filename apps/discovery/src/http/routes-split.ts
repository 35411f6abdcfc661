import { isDebugPath, type Handler } from './request-handler.js';

/** The route tables of the two listeners when `--debug-addr` moves the debug endpoints off the monitoring port. */
export interface SplitRoutes {
  /** `/ready`, `/metrics`: for probes and scrapers, on the monitoring port. */
  readonly monitoring: ReadonlyMap<string, Handler>;
  /** `/debug/*` and the web page `/`: on the debug listener. */
  readonly debug: ReadonlyMap<string, Handler>;
}

/** Splits one route table into the monitoring and the debug listener's. */
export function splitRoutes(routes: ReadonlyMap<string, Handler>): SplitRoutes {
  const entries = [...routes];
  return {
    monitoring: new Map(entries.filter(([path]) => !isDebugPath(path))),
    debug: new Map(entries.filter(([path]) => isDebugPath(path))),
  };
}
