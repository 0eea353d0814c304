import { pino } from 'pino';
/** The process logger: JSON lines on stdout (pino), one `component` per area. */
export function createLogger(level = process.env.MESHGATE_LOG_LEVEL ?? 'info') {
    return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
//# sourceMappingURL=logger.js.map