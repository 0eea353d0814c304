/**
 * Fault injection (as Istio / Envoy's fault filter), compiled once per route: delay and/or abort
 * a share of the requests. Each decision draws its own random number (injectable), so delay and
 * abort are independent. A percentage of 0 or 100 (or an absent fault) draws nothing.
 * Envoy's order is delay first, then abort; the data plane applies them.
 */
import type { FaultConfig } from '../../config/schema/resilience.js';

/** Where injected delays are counted (a pre-bound metric child). */
export interface FaultDelayCounter {
  value: number;
}

export class CompiledFault {
  /** Delay in ms when the delay applies; 0 when no delay is configured. */
  readonly fixedDelayMs: number;
  /** Share of requests delayed, 0..100 (0 when no delay is configured). */
  readonly delayPercentage: number;
  /** Injected status; 0 when no abort is configured. */
  readonly httpStatus: number;
  /** Share of requests aborted, 0..100 (0 when no abort is configured). */
  readonly abortPercentage: number;
  private readonly random: () => number;
  private readonly delays: FaultDelayCounter | null;

  constructor(cfg: FaultConfig, random: () => number = Math.random, delays: FaultDelayCounter | null = null) {
    this.fixedDelayMs = cfg.delay?.fixedDelayMs ?? 0;
    this.delayPercentage = cfg.delay === undefined ? 0 : (cfg.delay.percentage ?? 100);
    this.httpStatus = cfg.abort?.httpStatus ?? 0;
    this.abortPercentage = cfg.abort === undefined ? 0 : (cfg.abort.percentage ?? 100);
    this.random = random;
    this.delays = delays;
  }

  /** Hot path, change with care. Delay to add to this request in ms (0 = none). */
  delayMs(): number {
    if (!CompiledFault.hit(this.delayPercentage, this.random)) return 0;
    if (this.delays !== null) this.delays.value++;
    return this.fixedDelayMs;
  }

  /** Hot path, change with care. Status to abort this request with (0 = none). */
  abortStatus(): number {
    return CompiledFault.hit(this.abortPercentage, this.random) ? this.httpStatus : 0;
  }

  private static hit(percentage: number, random: () => number): boolean {
    if (percentage <= 0) return false;
    if (percentage >= 100) return true;
    return random() * 100 < percentage;
  }
}
