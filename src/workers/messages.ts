import type { GatewayConfig } from '../config/schema/index.js';

/** Messages from the primary to a worker. */
export type ToWorker =
  | { type: 'start'; config: GatewayConfig; version: number; host: string; port: number; logLevel: string }
  | { type: 'apply'; config: GatewayConfig; version: number }
  | { type: 'drain'; delayMs: number; timeoutMs: number };

/** Messages from a worker to the primary. */
export type FromWorker =
  /** The worker's message handler is in place: IPC messages sent before this would be lost. */
  | { type: 'ready' }
  | { type: 'listening'; port: number }
  | { type: 'start-failed'; error: string }
  | { type: 'applied'; version: number }
  | { type: 'apply-failed'; version: number; error: string }
  | { type: 'drained' };
