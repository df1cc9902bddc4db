import type { Request } from 'express';

/** The study / series / instance UIDs of a route (already validated by the router's UID params). */
export interface ResourceScope {
  study: string;
  series: string | undefined;
  instance: string | undefined;
}

export function resourceScope(req: Request): ResourceScope {
  return {
    study: req.params.study as string,
    series: req.params.series as string | undefined,
    instance: req.params.instance as string | undefined,
  };
}
