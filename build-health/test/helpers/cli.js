/**
 * Helpers around the real `meshgate` CLI child process (see startCli in gateway.ts): one-shot
 * commands, rewriting the watched config file, reading the admin API and the JSON log lines,
 * and cleaning up the process tree (workers included) even when a test fails.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { CLI } from './gateway.js';
/** Runs `meshgate <args>` to completion (killed after timeoutMs). */
export function runCli(args, opts = {}) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}
/**
 * Writes a new config into the running gateway's file, keeping its listen/admin ports and log
 * level. `atomic` writes a temp file and renames it over (what editors and ConfigMaps do);
 * otherwise the file is rewritten in place.
 */
export function rewriteConfig(cli, config, opts = {}) {
    const full = { logLevel: 'warn', ...config, listen: { host: '127.0.0.1', port: cli.port }, admin: { host: '127.0.0.1', port: cli.adminPort } };
    writeRaw(cli, stringify(full), opts);
}
/** Writes text as-is into the gateway's config file (for invalid files). */
export function writeRaw(cli, text, opts = {}) {
    if (opts.atomic) {
        const tmp = `${cli.file}.tmp-${process.pid}-${Date.now()}`;
        writeFileSync(tmp, text);
        renameSync(tmp, cli.file);
    }
    else {
        writeFileSync(cli.file, text);
    }
}
/** GET an admin endpoint and parse its JSON. */
export async function adminJson(adminPort, path) {
    const res = await fetch(`http://127.0.0.1:${adminPort}${path}`);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), contentType: res.headers.get('content-type') ?? '' };
}
/** The running config version, from the admin API (0 when the admin does not answer). */
export async function configVersion(adminPort) {
    try {
        return (await adminJson(adminPort, '/config')).body.version;
    }
    catch {
        return 0;
    }
}
/** The JSON log lines the gateway wrote so far (non-JSON lines are skipped). */
export function logEvents(cli) {
    const out = [];
    for (const line of cli.output().split('\n')) {
        if (!line.startsWith('{'))
            continue;
        try {
            out.push(JSON.parse(line));
        }
        catch {
            // a partial line
        }
    }
    return out;
}
/** Direct, live child pids of `pid` (the cluster workers of a primary). Zombies are not counted. */
export function childPids(pid) {
    if (existsSync('/proc/self/stat')) {
        const out = [];
        for (const entry of readdirSync('/proc')) {
            if (!/^\d+$/.test(entry))
                continue;
            try {
                const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
                const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                if (Number(ppid) === pid && state !== 'Z')
                    out.push(Number(entry));
            }
            catch {
                // exited meanwhile
            }
        }
        return out;
    }
    try {
        const text = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
        return text.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
    }
    catch {
        return []; // ps exits 1 when there are none
    }
}
/** The process exists and is not a zombie (an exited child not yet reaped). */
export function isAlive(pid) {
    try {
        process.kill(pid, 0);
    }
    catch {
        return false;
    }
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    }
    catch {
        return !existsSync('/proc/self/stat'); // no procfs: trust kill(0)
    }
}
/**
 * Stops a CLI gateway however the test ended: SIGTERM, then SIGKILL after `graceMs`, and
 * SIGKILL for any worker left behind. Use as `t.after(() => killCli(cli))`.
 */
export async function killCli(cli, graceMs = 3000) {
    const pid = cli.child.pid;
    if (pid === undefined)
        return;
    const workers = childPids(pid);
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill('SIGTERM');
        const timer = setTimeout(() => cli.child.kill('SIGKILL'), graceMs);
        await cli.exited;
        clearTimeout(timer);
    }
    for (const w of workers) {
        if (isAlive(w)) {
            try {
                process.kill(w, 'SIGKILL');
            }
            catch {
                // gone meanwhile
            }
        }
    }
}
//# sourceMappingURL=cli.js.map