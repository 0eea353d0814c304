import type { RequestContext } from '../dataplane/context.js';

/**
 * Sees every request once, when it is done (answered, or abandoned by its client): the one hook
 * metrics and access logs hang on. Called on the hot path: keep it cheap and never throw.
 * `ctx.doneHr` is set just before (one clock read for every observer).
 */
export interface RequestObserver {
  requestDone(ctx: RequestContext): void;
}

/**
 * Several observers as one (metrics, the access log, tracing). Up to three get a call site each
 * (monomorphic, so V8 inlines them) instead of a loop over a list, whose one call site sees every
 * observer class.
 */
export function combineObservers(observers: ReadonlyArray<RequestObserver | null>): RequestObserver | null {
  const list = observers.filter((o): o is RequestObserver => o !== null);
  const [a, b, c] = list;
  switch (list.length) {
    case 0:
      return null;
    case 1:
      return a!;
    case 2:
      return {
        requestDone(ctx: RequestContext): void {
          a!.requestDone(ctx);
          b!.requestDone(ctx);
        },
      };
    case 3:
      return {
        requestDone(ctx: RequestContext): void {
          a!.requestDone(ctx);
          b!.requestDone(ctx);
          c!.requestDone(ctx);
        },
      };
    default:
      return {
        requestDone(ctx: RequestContext): void {
          for (let i = 0; i < list.length; i++) list[i]!.requestDone(ctx);
        },
      };
  }
}
