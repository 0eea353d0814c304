/**
 * Entry point of a data-plane worker process (forked by ClusterRunner). It takes its config from
 * the primary over IPC; signals are the primary's business, so SIGINT/SIGTERM are ignored here
 * and the worker exits when the primary tells it to drain, or when the primary goes away.
 */
import { DataPlane } from '../engine/data-plane.js';
import { createLogger } from '../observability/logger.js';
import type { FromWorker, ToWorker } from './messages.js';

let plane: DataPlane | null = null;
const send = (msg: FromWorker): void => {
  if (process.connected) process.send!(msg);
};

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => {
  // The primary is gone: stop quickly rather than serve unmanaged.
  void (plane?.drain(1000) ?? Promise.resolve()).finally(() => process.exit(0));
});

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start': {
      const logger = createLogger(msg.logLevel);
      try {
        plane = new DataPlane(msg.config, msg.version, logger);
      } catch (err) {
        send({ type: 'start-failed', error: String((err as Error).message) });
        return;
      }
      plane.listen(msg.host, msg.port).then(
        (address) => send({ type: 'listening', port: address.port }),
        (err: Error) => send({ type: 'start-failed', error: err.message }),
      );
      break;
    }
    case 'apply':
      try {
        plane?.apply(msg.config, msg.version);
        send({ type: 'applied', version: msg.version });
      } catch (err) {
        send({ type: 'apply-failed', version: msg.version, error: String((err as Error).message) });
      }
      break;
    case 'drain':
      void (plane?.drain(msg.timeoutMs) ?? Promise.resolve()).then(() => {
        send({ type: 'drained' });
        process.exit(0);
      });
      break;
  }
});
