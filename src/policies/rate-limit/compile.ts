/**
 * Compiles a route's rate limits (global ones, the `rateLimitRps` shorthand, `rateLimits`) into a
 * frozen `CompiledRateLimits`, once per config version. The hot path (`checks`) only runs the
 * precompiled key extractors and picks prebuilt specs.
 *
 * Order: `globalRateLimits`, then the route's `rateLimitRps` shorthand, then `rateLimits`.
 *
 * Shorthand `rateLimitRps: N`: token bucket keyed by `ip`, named `<route>-rps`, rate exactly N/s
 * and burst ceil(N): limit = ceil(N), periodMs = 1000 * limit / N (N = 10 -> 10 per 1 s; N = 2.5
 * -> 3 per 1.2 s; N = 0.5 -> 1 per 2 s).
 *
 * Counter keys: `<scope>|<limit name>|<key value>`, scope = `global` for globalRateLimits (one
 * counter shared by every route) and the route name for the route's own limits. A limit resolved
 * through a tier counts under `<scope>|<limit name>@<tier>|<key value>`: tiers can differ in
 * period (so a counter must not be shared across them), and a caller switching tiers does not
 * reset its count in the tier it left.
 *
 * Tiers (`tierFrom` + top-level `rateLimitTiers`): the tier named by the request picks that
 * tier's limit, periodSeconds (default: the limit's own periodSeconds, else 1) and burst
 * (default: the tier's limit). Missing or unknown tier: the limit's own values when it has a
 * `limit`, else the `default` tier when defined, else the limit does not apply. Tier names match
 * exactly (case-sensitive). A spec keeps the limit's name (headers show the limit, not the tier).
 *
 * Config errors throw an Error naming the key path (`routes[2].rateLimits[0]: ...`).
 */
import type { GatewayConfig, RateLimitConfig, RateLimitTierConfig, RouteConfig } from '../../config/schema/index.js';
import { DEFAULT_HEADER_STYLE, RateLimitPolicy, renderRateLimitHeaders, type RateLimitHeaderStyle } from './headers.js';
import { compileKey, compileTierSource, type KeyExtractor } from './keys.js';
import type { Decision, LimitCheck, LimitSpec, RateLimitAlgorithm } from './types.js';

/** One request against one limit (every field set in the constructor). */
export class RateLimitCheck implements LimitCheck {
  constructor(
    readonly spec: LimitSpec,
    readonly key: string,
  ) {}
}

/** A spec and the counter-key prefix it counts under. */
interface Resolved {
  readonly spec: RateLimitPolicy;
  readonly prefix: string;
}

/** One configured limit, compiled. */
class CompiledLimit {
  constructor(
    readonly key: KeyExtractor,
    /** Spec for a request without a (known) tier; null: the limit does not apply then. */
    readonly fallback: Resolved | null,
    readonly tierFrom: KeyExtractor | null,
    readonly tiers: ReadonlyMap<string, Resolved> | null,
  ) {}
}

export class CompiledRateLimits {
  /** The base spec of each limit (own values, else the default tier), in check order; for /routes and docs. */
  readonly specs: readonly LimitSpec[];
  constructor(
    readonly routeName: string,
    readonly headerStyle: RateLimitHeaderStyle,
    private readonly limits: readonly CompiledLimit[],
  ) {
    const specs: LimitSpec[] = [];
    for (const l of limits) {
      if (l.fallback !== null) specs.push(l.fallback.spec);
      else if (l.tiers !== null) {
        const first = l.tiers.values().next().value;
        if (first !== undefined) specs.push(first.spec);
      }
    }
    this.specs = Object.freeze(specs);
    Object.freeze(this);
  }

  /**
   * Fills `out` with the checks that apply to this request (limits whose key is missing, or
   * whose tier resolves to nothing, are skipped), sets `out.length` to their count and returns
   * it, so `out` can go to `store.consume` as is. One small object and one key string per
   * applicable limit. A caller may reuse `out` once the store's decision for it has settled.
   */
  // Hot path, change with care.
  checks(rawHeaders: readonly string[], clientAddress: string, out: LimitCheck[]): number {
    const limits = this.limits;
    let n = 0;
    for (let i = 0; i < limits.length; i++) {
      const l = limits[i]!;
      const value = l.key(rawHeaders, clientAddress);
      if (value === null) continue;
      let r = l.fallback;
      if (l.tierFrom !== null) {
        const tier = l.tierFrom(rawHeaders, clientAddress);
        if (tier !== null) {
          const t = l.tiers!.get(tier);
          if (t !== undefined) r = t;
        }
      }
      if (r === null) continue;
      out[n++] = new RateLimitCheck(r.spec, r.prefix + value);
    }
    out.length = n;
    return n;
  }

  /** Response header lines for these checks and their decision, in this config's style. */
  headers(checks: readonly LimitCheck[], decision: Decision): string {
    return renderRateLimitHeaders(this.headerStyle, checks, decision);
  }
}

const DEFAULT_ALGORITHM: RateLimitAlgorithm = 'token-bucket';
const DEFAULT_TIER = 'default';

/**
 * The route's compiled limits, or null when none applies to it (no rateLimitRps, no
 * rateLimits, no globalRateLimits). Throws on an invalid combination the schema cannot express.
 */
export function compileRateLimits(route: RouteConfig, routeName: string, config: GatewayConfig): CompiledRateLimits | null {
  const globals = config.globalRateLimits ?? [];
  const own = route.rateLimits ?? [];
  if (globals.length === 0 && own.length === 0 && route.rateLimitRps === undefined) return null;

  const routeIndex = config.routes?.indexOf(route) ?? -1;
  const routePath = routeIndex >= 0 ? `routes[${routeIndex}]` : `routes[${JSON.stringify(routeName)}]`;
  const tiers = config.rateLimitTiers;
  const limits: CompiledLimit[] = [];
  const names = new Map<string, string>();
  const claim = (name: string, where: string): void => {
    const prev = names.get(name);
    if (prev !== undefined) throw new Error(`${where}: rate limit name "${name}" is already used by ${prev} (names show in headers and metrics)`);
    if (name.includes('|')) throw new Error(`${where}: rate limit name "${name}" must not contain "|" (it separates counter key parts)`);
    names.set(name, where);
  };

  globals.forEach((cfg, j) => {
    const where = `globalRateLimits[${j}]`;
    const name = cfg.name ?? `global-${j}`;
    claim(name, where);
    limits.push(compileLimit(cfg, name, 'global', tiers, where));
  });

  if (route.rateLimitRps !== undefined) {
    const where = `${routePath}.rateLimitRps`;
    const rps = route.rateLimitRps;
    if (!(rps > 0) || !Number.isFinite(rps)) throw new Error(`${where}: must be a positive number, got ${rps}`);
    const name = `${routeName}-rps`;
    claim(name, where);
    const limit = Math.ceil(rps);
    const spec = new RateLimitPolicy(name, 'token-bucket', limit, (1000 * limit) / rps, limit);
    limits.push(new CompiledLimit(compileKey('ip'), { spec, prefix: `${routeName}|${name}|` }, null, null));
  }

  own.forEach((cfg, j) => {
    const where = `${routePath}.rateLimits[${j}]`;
    const name = cfg.name ?? `${routeName}-${j}`;
    claim(name, where);
    limits.push(compileLimit(cfg, name, routeName, tiers, where));
  });

  return new CompiledRateLimits(routeName, config.rateLimitHeaders ?? DEFAULT_HEADER_STYLE, Object.freeze(limits));
}

function compileLimit(
  cfg: RateLimitConfig,
  name: string,
  scope: string,
  tiers: Readonly<Record<string, RateLimitTierConfig>> | undefined,
  where: string,
): CompiledLimit {
  const algorithm = cfg.algorithm ?? DEFAULT_ALGORITHM;
  const periodSeconds = cfg.periodSeconds ?? 1;
  if (!(periodSeconds > 0) || !Number.isFinite(periodSeconds)) throw new Error(`${where}.periodSeconds: must be a positive number, got ${periodSeconds}`);
  if (cfg.burst !== undefined && algorithm !== 'token-bucket') {
    throw new Error(`${where}.burst: only token-bucket limits have a burst (this one is ${algorithm})`);
  }
  if (cfg.limit === undefined && cfg.tierFrom === undefined) {
    throw new Error(`${where}: needs \`limit\`, or \`tierFrom\` with rateLimitTiers`);
  }
  let key: KeyExtractor;
  try {
    key = compileKey(cfg.key);
  } catch (err) {
    throw new Error(`${where}.key: ${(err as Error).message}`);
  }
  const prefix = `${scope}|${name}|`;
  const spec = (limit: number, periodS: number, burst: number): RateLimitPolicy =>
    new RateLimitPolicy(name, algorithm, limit, periodS * 1000, algorithm === 'token-bucket' ? burst : limit);

  let fallback: Resolved | null =
    cfg.limit !== undefined ? { spec: spec(cfg.limit, periodSeconds, cfg.burst ?? cfg.limit), prefix } : null;
  if (cfg.tierFrom === undefined) return new CompiledLimit(key, fallback, null, null);

  if (tiers === undefined || Object.keys(tiers).length === 0) {
    throw new Error(`${where}.tierFrom: set, but there are no rateLimitTiers to pick from`);
  }
  let tierFrom: KeyExtractor;
  try {
    tierFrom = compileTierSource(cfg.tierFrom);
  } catch (err) {
    throw new Error(`${where}.tierFrom: ${(err as Error).message}`);
  }
  const map = new Map<string, Resolved>();
  for (const [tierName, t] of Object.entries(tiers)) {
    const tierPeriod = t.periodSeconds ?? cfg.periodSeconds ?? 1;
    if (!(tierPeriod > 0) || !Number.isFinite(tierPeriod)) throw new Error(`rateLimitTiers.${tierName}.periodSeconds: must be a positive number, got ${tierPeriod}`);
    map.set(tierName, { spec: spec(t.limit, tierPeriod, t.burst ?? t.limit), prefix: `${scope}|${name}@${tierName}|` });
  }
  if (fallback === null) fallback = map.get(DEFAULT_TIER) ?? null;
  return new CompiledLimit(key, fallback, tierFrom, map);
}
