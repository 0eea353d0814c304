import type { PlaneStatus } from '../admin/services.js';
import type { GatewayConfig } from '../config/schema/index.js';
import type { HealthUpdate } from '../upstream/health/active.js';

/** Messages from the primary to a worker. */
export type ToWorker =
  /** `health`: every active health verdict the primary holds, applied right after the config. */
  | { type: 'start'; config: GatewayConfig; version: number; host: string; port: number; logLevel: string; health: HealthUpdate[] }
  | { type: 'apply'; config: GatewayConfig; version: number }
  | { type: 'drain'; delayMs: number; timeoutMs: number }
  /** An active health check verdict changed (the checks run in the primary only). */
  | { type: 'health'; service: string; address: string; healthy: boolean }
  /** Admin `/services`: answer with a `service-status` carrying the same id. */
  | { type: 'service-status'; id: number };

/** Messages from a worker to the primary. */
export type FromWorker =
  /** The worker's message handler is in place: IPC messages sent before this would be lost. */
  | { type: 'ready' }
  | { type: 'listening'; port: number }
  | { type: 'start-failed'; error: string }
  | { type: 'applied'; version: number }
  | { type: 'apply-failed'; version: number; error: string }
  | { type: 'drained' }
  /** `status` is null when the worker has no data plane (yet). */
  | { type: 'service-status'; id: number; status: PlaneStatus | null };
