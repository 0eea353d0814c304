#!/usr/bin/env node
/**
 * `meshgate start|validate|schema`: argument parsing and exit codes only; the work is done by
 * ApiGateway, the same engine as the TypeScript API.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiGateway } from '../api/api-gateway.js';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { configJsonSchema } from '../config/json-schema.js';
const USAGE = `meshgate: API gateway and service-mesh data plane

Usage:
  meshgate start --config <file>      run the gateway (hot-reloads the file; SIGHUP reloads too)
  meshgate validate --config <file>   check a config file; exit 0 if valid, 1 if not
  meshgate schema                     print the config JSON Schema
  meshgate --version | --help

Signals: SIGTERM/SIGINT drain and stop; SIGHUP re-reads the config file.
`;
export const EXIT = { ok: 0, invalid: 1, usage: 2, failed: 3 };
/** The package version: the nearest package.json above this file (dist/ and build/ differ in depth). */
function version() {
    for (let url = new URL('./', import.meta.url); url.pathname !== '/'; url = new URL('../', url)) {
        try {
            const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8'));
            if (pkg.name === 'meshgate')
                return pkg.version;
        }
        catch {
            // keep looking upwards
        }
    }
    return 'unknown';
}
async function main(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
        });
    }
    catch (err) {
        process.stderr.write(`meshgate: ${err.message}\n\n${USAGE}`);
        return EXIT.usage;
    }
    const { values, positionals } = parsed;
    if (values.version) {
        process.stdout.write(`${version()}\n`);
        return EXIT.ok;
    }
    const command = positionals[0];
    if (values.help || command === undefined || command === 'help') {
        process.stdout.write(USAGE);
        return values.help || command === 'help' ? EXIT.ok : EXIT.usage;
    }
    switch (command) {
        case 'schema':
            process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
            return EXIT.ok;
        case 'validate': {
            if (!values.config)
                return usageError('validate needs --config <file>');
            try {
                const config = await loadConfigFile(values.config);
                process.stdout.write(`${values.config}: valid (${config.routes?.length ?? 0} routes, ${Object.keys(config.services ?? {}).length} services)\n`);
                return EXIT.ok;
            }
            catch (err) {
                return reportConfigError(err);
            }
        }
        case 'start':
            if (!values.config)
                return usageError('start needs --config <file>');
            return start(values.config);
        default:
            return usageError(`unknown command "${command}"`);
    }
}
async function start(file) {
    let gateway;
    try {
        gateway = await ApiGateway.fromConfigFile(file);
    }
    catch (err) {
        return reportConfigError(err);
    }
    // Signal handlers go in before listening: a SIGTERM during start-up stops the gateway as soon
    // as it is up (rather than killing it half-started), and a SIGHUP must never kill it.
    let running = false;
    let stopSignal = null;
    let reloadPending = false;
    const stop = (signal) => {
        if (stopSignal !== null)
            return;
        stopSignal = signal;
        if (!running)
            return; // handled once listen() settles
        const runtime = gateway.runtimeOrNull;
        runtime.logger.info({ event: 'signal', signal }, `received ${signal}`);
        gateway.close().then(() => process.exit(EXIT.ok), (err) => {
            process.stderr.write(`meshgate: shutdown failed: ${err.message}\n`);
            process.exit(EXIT.failed);
        });
    };
    const hangup = () => {
        if (running)
            void gateway.runtimeOrNull.reloadFromFile('SIGHUP');
        else
            reloadPending = true;
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', hangup);
    try {
        await gateway.listen();
    }
    catch (err) {
        if (err instanceof ConfigError)
            return reportConfigError(err);
        process.stderr.write(`meshgate: cannot start: ${err.message}\n`);
        // Nothing else keeps the process alive, but the signal handlers above would swallow a
        // SIGTERM from now on: exit explicitly.
        process.exit(EXIT.failed);
    }
    running = true;
    if (stopSignal !== null) {
        const signal = stopSignal;
        stopSignal = null;
        stop(signal);
    }
    else if (reloadPending) {
        hangup();
    }
    return -1; // keep running
}
function usageError(message) {
    process.stderr.write(`meshgate: ${message}\n\n${USAGE}`);
    return EXIT.usage;
}
function reportConfigError(err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : `meshgate: ${err.message}`}\n`);
    return EXIT.invalid;
}
main(process.argv.slice(2)).then((code) => {
    if (code >= 0)
        process.exitCode = code;
}, (err) => {
    process.stderr.write(`meshgate: ${err.stack ?? err.message}\n`);
    process.exitCode = EXIT.failed;
});
//# sourceMappingURL=main.js.map