import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The process logger: JSON lines on stdout (pino), one `component` per area. */
export function createLogger(level: string = process.env.MESHGATE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
