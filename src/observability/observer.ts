import type { RequestContext } from '../dataplane/context.js';

/**
 * Sees every request once, when it is done (answered, or abandoned by its client): the one hook
 * metrics and access logs hang on. Called on the hot path: keep it cheap and never throw.
 * `ctx.doneHr` is set just before (one clock read for every observer).
 */
export interface RequestObserver {
  requestDone(ctx: RequestContext): void;
}

/** Several observers as one (metrics and the access log). */
export function combineObservers(observers: ReadonlyArray<RequestObserver | null>): RequestObserver | null {
  const list = observers.filter((o): o is RequestObserver => o !== null);
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  return {
    requestDone(ctx: RequestContext): void {
      for (let i = 0; i < list.length; i++) list[i]!.requestDone(ctx);
    },
  };
}
