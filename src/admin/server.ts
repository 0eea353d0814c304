/**
 * The admin listener (default 127.0.0.1:9901): Kubernetes-style probes, the effective config
 * (secrets redacted), the compiled route table and the services' endpoint status. Not on the data path, so plain node:http.
 */
import { newUuid } from '../util/random-ids.js';
import http from 'node:http';
import type net from 'node:net';
import { redactConfig } from '../config/redact.js';
import type { GatewayConfig } from '../config/schema/index.js';
import { ERRORS, problemBody, PROBLEM_CONTENT_TYPE, type ErrorCode } from '../errors/index.js';
import type { RouteTableRow } from '../routing/types.js';
import { wantsOpenMetrics } from '../observability/metrics.js';

/** What the admin API reads from the running gateway. */
export interface AdminSource {
  readonly started: boolean;
  readonly ready: boolean;
  readonly version: number;
  readonly config: GatewayConfig;
  routeTable(): readonly RouteTableRow[];
  status(): Record<string, unknown>;
  /** Every service with its endpoints' health, ejections, load and pools (asks every data plane). */
  services(): Promise<Record<string, unknown>>;
  /** Prometheus exposition of the whole node (OpenMetrics when asked); absent or null when not served (`metrics.enabled: false`). */
  metrics?(openMetrics: boolean): Promise<{ contentType: string; body: string } | null>;
}

export class AdminServer {
  private readonly server: http.Server;
  private readonly source: AdminSource;

  constructor(source: AdminSource) {
    this.source = source;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  listen(host: string, port: number): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://admin');
    } catch {
      // e.g. an absolute-form target `http://[`: answer it, never throw out of the request handler.
      return problem(res, 'MG_BAD_REQUEST', 'malformed request target');
    }
    const s = this.source;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return problem(res, 'MG_METHOD_NOT_ALLOWED', `the admin API only answers GET and HEAD, not ${req.method ?? ''}`);
    }
    switch (url.pathname) {
      case '/livez':
        return json(res, 200, { status: 'ok' });
      case '/readyz':
        return s.ready ? json(res, 200, { status: 'ready', version: s.version }) : problem(res, 'MG_NOT_READY', 'not ready: starting or draining');
      case '/startupz':
        return s.started ? json(res, 200, { status: 'started', version: s.version }) : problem(res, 'MG_NOT_READY', 'still starting');
      case '/config':
        return json(res, 200, { version: s.version, config: redactConfig(s.config) });
      case '/routes': {
        const table = s.routeTable();
        if (url.searchParams.get('format') === 'text') return text(res, formatRouteTable(table));
        return json(res, 200, { version: s.version, routes: table });
      }
      case '/status':
        return json(res, 200, s.status());
      case '/services':
        s.services().then(
          (body) => json(res, 200, body),
          (err: Error) => problem(res, 'MG_INTERNAL', `cannot collect the service status: ${err.message}`),
        );
        return;
      case '/metrics': {
        if (s.metrics === undefined) break;
        const accept = req.headers.accept;
        s.metrics(wantsOpenMetrics(accept)).then(
          (exposition) => {
            if (exposition === null) return problem(res, 'MG_NO_ROUTE', 'metrics are off (config metrics.enabled: false)');
            res.writeHead(200, { 'content-type': exposition.contentType, 'content-length': Buffer.byteLength(exposition.body) });
            res.end(exposition.body);
          },
          (err: Error) => problem(res, 'MG_INTERNAL', `cannot collect the metrics: ${err.message}`),
        );
        return;
      }
      default:
        break;
    }
    return problem(res, 'MG_NO_ROUTE', `no admin endpoint ${url.pathname}`);
  }
}

/** The route table as aligned text, one line per route in match order. */
export function formatRouteTable(rows: readonly RouteTableRow[]): string {
  const header = ['#', 'NAME', 'MATCH', 'PATH', 'METHODS', 'HOSTS', 'HDR', 'QRY', 'BACKEND'];
  const lines = rows.map((r) => [
    String(r.order), r.name, r.pathType, r.path, r.methods?.join(',') ?? '*', r.hosts?.join(',') ?? '*', String(r.headers), String(r.query), r.backendService,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function text(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A problem+json answer; like the data plane's, its `instance` is the request id (the client's, or a new one). */
function problem(res: http.ServerResponse, code: ErrorCode, detail: string): void {
  const header = res.req.headers['x-request-id'];
  const requestId = typeof header === 'string' && header !== '' && header.length <= 200 ? header : newUuid();
  const body = problemBody(code, detail, requestId);
  res.writeHead(ERRORS[code].status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-request-id': requestId });
  res.end(body);
}
