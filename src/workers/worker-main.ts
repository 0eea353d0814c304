/**
 * Entry point of a data-plane worker process (forked by ClusterRunner). It takes its config from
 * the primary over IPC; signals are the primary's business, so SIGINT/SIGTERM/SIGHUP are ignored
 * here (a Ctrl-C or a terminal hangup reaches the whole process group) and the worker exits when
 * the primary tells it to drain, or when the primary goes away.
 */
import { DataPlane } from '../engine/data-plane.js';
import { createLogger } from '../observability/logger.js';
import { processRegistry } from '../observability/metrics.js';
import { reopenAccessLogs } from '../observability/access-log.js'; // [access-log]
import type { FromWorker, ToWorker } from './messages.js';

let plane: DataPlane | null = null;
let exiting = false;
const send = (msg: FromWorker): void => {
  if (process.connected) process.send!(msg);
};

function drainAndExit(delayMs: number, timeoutMs: number): void {
  if (exiting) return;
  exiting = true;
  void (plane?.drain(delayMs, timeoutMs) ?? Promise.resolve()).finally(() => {
    send({ type: 'drained' });
    process.exit(0);
  });
}

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('SIGHUP', () => {});
// [access-log] The primary forwards SIGUSR2 (log rotation): reopen the access-log file. Handled
// always, even with no access log, so the signal never kills a worker (Node's default).
process.on('SIGUSR2', () => reopenAccessLogs());
// The primary is gone: stop quickly rather than serve unmanaged.
process.on('disconnect', () => drainAndExit(0, 1000));

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start': {
      const logger = createLogger(msg.logLevel);
      try {
        plane = new DataPlane(msg.config, msg.version, logger);
        plane.applyHealth(msg.health);
        // [metrics] Default process metrics (event loop lag is sampled from now on), unless off.
        if (plane.metrics !== null) processRegistry();
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
        if (plane === null) throw new Error('not started');
        plane.apply(msg.config, msg.version);
        send({ type: 'applied', version: msg.version });
      } catch (err) {
        send({ type: 'apply-failed', version: msg.version, error: String((err as Error).message) });
      }
      break;
    case 'drain':
      drainAndExit(msg.delayMs, msg.timeoutMs);
      break;
    case 'health':
      plane?.setEndpointHealth(msg.service, msg.address, msg.healthy);
      break;
    case 'service-status':
      send({ type: 'service-status', id: msg.id, status: plane?.serviceStatus() ?? null });
      break;
    case 'metrics': {
      // [metrics] This process's default metrics plus its data plane's (none before start).
      const id = msg.id;
      const metrics = plane?.metrics ?? null;
      if (metrics === null) {
        send({ type: 'metrics', id, metrics: [] }); // not started, or metrics off
        break;
      }
      const own = metrics.collect();
      processRegistry().getMetricsAsJSON().then(
        (proc) => send({ type: 'metrics', id, metrics: [...proc, ...own] }),
        () => send({ type: 'metrics', id, metrics: own }),
      );
      break;
    }
  }
});

// Only now can the primary's messages be received: until a 'message' listener exists, Node drops them.
send({ type: 'ready' });
