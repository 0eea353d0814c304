import { type Logger } from 'pino';
export type { Logger } from 'pino';
/** The process logger: JSON lines on stdout (pino), one `component` per area. */
export declare function createLogger(level?: string): Logger;
