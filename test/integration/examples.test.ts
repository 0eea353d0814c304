/**
 * The config files in examples/ are what users copy first: each must stay valid as the schema
 * grows, and each must start a gateway that proxies (ports moved to free ones, backends local).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { startGateway } from '../helpers/gateway.js';
import { startUpstream } from '../helpers/upstream.js';

const dir = join(process.cwd(), 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('examples/ has config files', () => {
  assert.ok(files.includes('quickstart.yaml') && files.includes('observability.yaml'), files.join(', '));
});

for (const name of files) {
  test(`examples/${name} is valid and serves its first route`, async (t) => {
    const config = await loadConfigFile(join(dir, name));
    const up = await startUpstream('example');
    t.after(() => up.close());
    // The example's backends are the demo's fixed ports: point every service at a live upstream;
    // telemetry goes nowhere (no collector here), which must not hold requests up.
    for (const svc of Object.values(config.services ?? {})) svc.endpoints = [up.address];
    const routes = (config.routes ?? []).map((r) => (r.backendService.includes(':') ? { ...r, backendService: up.address } : r));
    const accessLog = config.accessLog === undefined ? undefined : { ...config.accessLog, enabled: false };
    const gw = await startGateway({ ...config, accessLog, workers: 1, routes });
    t.after(() => gw.close());
    const first = routes[0]!;
    const path = typeof first.path === 'string' ? first.path.replace(/:\w+/g, 'x') : '/';
    const res = await fetch(gw.url + path, { method: Array.isArray(first.method) ? first.method[0] : (first.method ?? 'GET') });
    assert.equal(res.status, 200, await res.text());
  });
}
