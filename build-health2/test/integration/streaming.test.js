/**
 * Bodies stream through the real CLI gateway (a child process, one worker) with flat memory: a
 * 1 GiB upload and a 1 GiB download, generated from one reused 64 KiB buffer and counted, while
 * the gateway's RSS is sampled from /proc every 100 ms. Each transfer includes a slow phase on
 * the receiving side (the reader stops for a while): backpressure must hold the sender back
 * instead of letting the gateway buffer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startCli } from '../helpers/gateway.js';
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'm');
/** The most the gateway's resident memory may grow above idle during a transfer. */
const RSS_BUDGET = 150 * MiB;
/** Where the receiving side stops reading, and for how long. */
const STALL_AT = 256 * MiB;
const STALL_MS = 1000;
/**
 * While the reader stalls, the sender may still fill the socket buffers on the way (kernel
 * autotuning gives each loopback socket several MiB; about 20-35 MiB in all here). Without
 * backpressure it would push the whole stall at full speed, some hundreds of MiB.
 */
const STALL_SLACK = 96 * MiB;
const onLinux = process.platform === 'linux';
function procStatus(pid) {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
/** Samples the gateway's RSS every 100 ms until stopped; reports the peak sample. */
function sampleRss(pid) {
    let peak = 0;
    let samples = 0;
    const timer = setInterval(() => {
        try {
            peak = Math.max(peak, procStatus(pid).rss);
            samples++;
        }
        catch {
            // the process is gone; the test will say so
        }
    }, 100);
    return {
        stop() {
            clearInterval(timer);
            peak = Math.max(peak, procStatus(pid).rss);
            return { peak, samples };
        },
    };
}
function mib(n) {
    return `${(n / MiB).toFixed(1)} MiB`;
}
function once(emitter, event) {
    return new Promise((resolve) => emitter.once(event, () => resolve()));
}
describe('streaming 1 GiB through the CLI gateway', { skip: onLinux ? false : 'reads /proc for RSS' }, () => {
    let upstream;
    let gw;
    let idleRss = 0;
    /** Bytes the upstream has sent of the current download (read by the test during the stall). */
    let downloadSent = 0;
    /** Bytes the upstream has received of the current upload. */
    let uploadReceived = 0;
    /** Bytes the client has written of the current upload. */
    let uploadSent = 0;
    /** How far the client got while the upstream read nothing (-1: no stall yet). */
    let uploadPushedDuringStall = -1;
    before(async () => {
        upstream = http.createServer((req, res) => {
            if (req.url === '/upload') {
                uploadReceived = 0;
                let stalled = false;
                req.on('data', (c) => {
                    uploadReceived += c.length;
                    if (!stalled && uploadReceived >= STALL_AT) {
                        // A slow reader: stop reading; the gateway must stop reading its client too.
                        stalled = true;
                        req.pause();
                        const sentAtStall = uploadSent;
                        setTimeout(() => {
                            uploadPushedDuringStall = uploadSent - sentAtStall;
                            req.resume();
                        }, STALL_MS);
                    }
                });
                req.on('end', () => res.end(JSON.stringify({ received: uploadReceived })));
            }
            else if (req.url === '/download') {
                downloadSent = 0;
                res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': GiB });
                const pump = () => {
                    while (downloadSent < GiB) {
                        downloadSent += CHUNK.length;
                        if (!res.write(CHUNK)) {
                            res.once('drain', pump);
                            return;
                        }
                    }
                    res.end();
                };
                pump();
            }
            else {
                res.end('ok');
            }
        });
        await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
        const port = upstream.address().port;
        gw = await startCli({ workers: 1, routes: [{ path: '/', backendService: `127.0.0.1:${port}` }] });
        // Warm up (first request, pools, JIT), then take the idle figure.
        for (let i = 0; i < 20; i++)
            await fetch(`http://127.0.0.1:${gw.port}/warm`).then((r) => r.text());
        await new Promise((r) => setTimeout(r, 200));
        idleRss = procStatus(gw.child.pid).rss;
    });
    after(async () => {
        await gw?.stop();
        await new Promise((resolve) => upstream?.close(resolve));
    });
    function report(t, what, bytes, ms, peak, extra) {
        const { hwm } = procStatus(gw.child.pid);
        t.diagnostic(`${what}: ${bytes} bytes in ${(ms / 1000).toFixed(2)} s (${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s); gateway RSS idle ${mib(idleRss)}, ` +
            `peak sampled ${mib(peak.peak)} (+${mib(peak.peak - idleRss)}, ${peak.samples} samples), VmHWM ${mib(hwm)} (+${mib(hwm - idleRss)}); ${extra}`);
        assert.ok(peak.peak - idleRss < RSS_BUDGET, `RSS grew by ${mib(peak.peak - idleRss)}`);
        assert.ok(hwm - idleRss < RSS_BUDGET, `VmHWM is ${mib(hwm - idleRss)} above idle`);
    }
    test('a 1 GiB upload arrives byte for byte, with flat gateway memory and a slow upstream reader', async (t) => {
        const sampler = sampleRss(gw.child.pid);
        const started = Date.now();
        uploadSent = 0;
        const reply = new Promise((resolve, reject) => {
            const req = http.request({ host: '127.0.0.1', port: gw.port, method: 'POST', path: '/upload', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': GiB } }, (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d) => (body += d));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on('error', reject);
            void (async () => {
                while (uploadSent < GiB) {
                    uploadSent += CHUNK.length;
                    if (!req.write(CHUNK))
                        await once(req, 'drain');
                }
                req.end();
            })().catch(reject);
        });
        const res = await reply;
        const ms = Date.now() - started;
        const peak = sampler.stop();
        assert.equal(res.status, 200, res.body);
        assert.equal(JSON.parse(res.body).received, GiB, 'the upstream received every byte');
        assert.equal(uploadSent, GiB);
        t.diagnostic(`upload: while the upstream stalled, the client could push ${mib(uploadPushedDuringStall)} more`);
        assert.ok(uploadPushedDuringStall >= 0 && uploadPushedDuringStall < STALL_SLACK, `the client pushed ${mib(uploadPushedDuringStall)} while the upstream read nothing`);
        report(t, 'upload', GiB, ms, peak, 'byte counts match');
    });
    test('a 1 GiB download arrives byte for byte, with flat gateway memory and a slow client reader', async (t) => {
        const sampler = sampleRss(gw.child.pid);
        const started = Date.now();
        const result = await new Promise((resolve, reject) => {
            const req = http.get({ host: '127.0.0.1', port: gw.port, path: '/download', agent: false }, (res) => {
                let received = 0;
                let pushedDuringStall = -1;
                res.on('data', (c) => {
                    received += c.length;
                    if (pushedDuringStall < 0 && received >= STALL_AT) {
                        // A slow client: stop reading; the gateway must stop reading the upstream too.
                        pushedDuringStall = 0;
                        res.pause();
                        const sentAtStall = downloadSent;
                        setTimeout(() => {
                            pushedDuringStall = downloadSent - sentAtStall;
                            res.resume();
                        }, STALL_MS);
                    }
                });
                res.on('end', () => resolve({ status: res.statusCode ?? 0, received, pushedDuringStall }));
                res.on('error', reject);
            });
            req.on('error', reject);
        });
        const ms = Date.now() - started;
        const peak = sampler.stop();
        assert.equal(result.status, 200);
        assert.equal(result.received, GiB, 'the client received every byte');
        t.diagnostic(`download: while the client stalled, the upstream could push ${mib(result.pushedDuringStall)} more`);
        assert.ok(result.pushedDuringStall >= 0 && result.pushedDuringStall < STALL_SLACK, `the upstream pushed ${mib(result.pushedDuringStall)} while the client read nothing`);
        report(t, 'download', GiB, ms, peak, 'byte counts match');
    });
});
//# sourceMappingURL=streaming.test.js.map