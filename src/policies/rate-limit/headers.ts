/**
 * Rate-limit response headers, rendered as `Name: value\r\n` lines the data plane appends to the
 * response head it builds.
 *
 * Styles (`rateLimitHeaders`):
 * - `draft` (default): the IETF httpapi draft, syntax of draft-ietf-httpapi-ratelimit-headers-11
 *   (May 2026; unchanged in this respect since -08), both fields Structured Field Lists (RFC 8941):
 *     RateLimit-Policy: "<name>";q=<limit>;w=<window seconds>, ...   one item per applicable limit
 *     RateLimit: "<name>";r=<remaining>;t=<seconds>                   the tightest limit
 *   q is the quota per window w for every algorithm (a token bucket's burst is not advertised:
 *   the draft defines no parameter for it). No `pk` (partition key) parameter: it would echo the
 *   counter key (an IP, an API key) back.
 * - `legacy`: RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (drafts <= -06), tightest.
 * - `x-ratelimit`: X-RateLimit-Limit / -Remaining / -Reset, tightest; Reset in delta seconds
 *   (not GitHub's epoch seconds: no clock agreement needed).
 * - `none`: no rate-limit fields.
 * On a denied request every style (`none` too) adds `Retry-After: <seconds>`.
 *
 * The seconds in `t` / Reset: on an allowed response, the tightest limit's resetSeconds (bucket
 * full / window end); on a denied one its retryAfterSeconds, equal to Retry-After. The draft
 * (section 6) says Retry-After SHOULD NOT point before the end of the effective window, and with
 * r=0 the effective window is the wait for the next admitted request; a token bucket's time to
 * full would overstate it.
 *
 * The window w is whole seconds (the draft has no sub-second precision): a period that is not a
 * whole number of seconds (rateLimitRps: 2.5 -> 3 per 1.2 s) is advertised over the next whole
 * second count, w = ceil(period), with q = floor(rate * w) (2.5/s -> q=5;w=2).
 */
import type { Decision, LimitCheck, LimitSpec, RateLimitAlgorithm } from './types.js';

export type RateLimitHeaderStyle = 'draft' | 'legacy' | 'x-ratelimit' | 'none';

/** The default style when `rateLimitHeaders` is not set. */
export const DEFAULT_HEADER_STYLE: RateLimitHeaderStyle = 'draft';

/**
 * An sf-string (RFC 8941 section 3.3.3): quoted, `\` and `"` escaped. Characters outside
 * printable ASCII (which an sf-string cannot hold) become `?`.
 */
export function sfString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += '\\' + s[i];
    else if (c < 0x20 || c > 0x7e) out += '?';
    else out += s[i];
  }
  return out + '"';
}

/** The advertised quota q per window w (whole seconds) of a limit; see the file header. */
export function advertisedWindow(limit: number, periodMs: number): { readonly q: number; readonly w: number } {
  const sec = periodMs / 1000;
  const whole = Math.round(sec);
  if (whole >= 1 && Math.abs(sec - whole) < 1e-9) return { q: limit, w: whole };
  const w = Math.max(1, Math.ceil(sec - 1e-9));
  const q = Math.max(1, Math.floor((limit * w) / sec + 1e-9));
  return { q, w };
}

/**
 * A LimitSpec that carries its header fragments, built once at compile. Compile makes every
 * spec one of these; the renderer falls back to computing the fragments for a plain LimitSpec.
 */
export class RateLimitPolicy implements LimitSpec {
  /** `"<name>"` as an sf-string. */
  readonly label: string;
  /** `"<name>";q=<q>;w=<w>`: this limit's RateLimit-Policy item. */
  readonly item: string;
  constructor(
    readonly name: string,
    readonly algorithm: RateLimitAlgorithm,
    readonly limit: number,
    readonly periodMs: number,
    readonly burst: number,
  ) {
    this.label = sfString(name);
    const { q, w } = advertisedWindow(limit, periodMs);
    this.item = `${this.label};q=${q};w=${w}`;
    Object.freeze(this);
  }
}

function labelOf(spec: LimitSpec): string {
  return spec instanceof RateLimitPolicy ? spec.label : sfString(spec.name);
}

function itemOf(spec: LimitSpec): string {
  if (spec instanceof RateLimitPolicy) return spec.item;
  const { q, w } = advertisedWindow(spec.limit, spec.periodMs);
  return `${sfString(spec.name)};q=${q};w=${w}`;
}

/**
 * The header lines for one request's `checks` and their `decision` (same order, as the store got
 * them). '' when there is nothing to say (style none and allowed, or no checks).
 */
// Hot path, change with care: string concatenation of precomputed fragments only.
export function renderRateLimitHeaders(style: RateLimitHeaderStyle, checks: readonly LimitCheck[], decision: Decision): string {
  const t = decision.tightest;
  if (t < 0 || t >= checks.length) return '';
  const r = decision.results[t]!;
  const retry = decision.allowed ? '' : `Retry-After: ${r.retryAfterSeconds}\r\n`;
  if (style === 'none') return retry;
  const spec = checks[t]!.spec;
  const seconds = decision.allowed ? r.resetSeconds : r.retryAfterSeconds;
  if (style === 'draft') {
    let policy = itemOf(checks[0]!.spec);
    for (let i = 1; i < checks.length; i++) policy += ', ' + itemOf(checks[i]!.spec);
    return `RateLimit-Policy: ${policy}\r\nRateLimit: ${labelOf(spec)};r=${r.remaining};t=${seconds}\r\n${retry}`;
  }
  const limit = advertisedLimit(spec);
  if (style === 'legacy') {
    return `RateLimit-Limit: ${limit}\r\nRateLimit-Remaining: ${r.remaining}\r\nRateLimit-Reset: ${seconds}\r\n${retry}`;
  }
  return `X-RateLimit-Limit: ${limit}\r\nX-RateLimit-Remaining: ${r.remaining}\r\nX-RateLimit-Reset: ${seconds}\r\n${retry}`;
}

/** Limit value of the legacy styles: the integer quota, as in the draft's q. */
function advertisedLimit(spec: LimitSpec): number {
  return Number.isInteger(spec.limit) ? spec.limit : advertisedWindow(spec.limit, spec.periodMs).q;
}

/**
 * Names of the limits that denied (for a 429 body: the draft's quota-exceeded problem type,
 * section 5.1, carries them as `violated-policies`). Empty when allowed. Off the hot path.
 */
export function violatedPolicies(checks: readonly LimitCheck[], decision: Decision): string[] {
  const names: string[] = [];
  if (decision.allowed) return names;
  for (let i = 0; i < checks.length && i < decision.results.length; i++) {
    if (!decision.results[i]!.allowed) names.push(checks[i]!.spec.name);
  }
  return names;
}
