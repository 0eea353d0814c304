import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddress } from './endpoint.js';

describe('parseAddress', () => {
  it('splits host and port, and says whether the host is an IP literal', () => {
    assert.deepEqual(parseAddress('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080, hostIsIp: true });
    assert.deepEqual(parseAddress('[::1]:9000'), { host: '::1', port: 9000, hostIsIp: true });
    assert.deepEqual(parseAddress('orders.internal:80'), { host: 'orders.internal', port: 80, hostIsIp: false });
  });

  it('refuses what is not host:port', () => {
    for (const bad of ['127.0.0.1', ':80', 'a:0', 'a:65536', 'a:8x', '::1:80', '[::1]80', '[::1']) assert.equal(parseAddress(bad), null, bad);
  });
});
