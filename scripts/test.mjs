#!/usr/bin/env node
// Compiles sources and tests (tsconfig.json -> build/) and runs every *.test.js with node's test runner.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// TEST_BUILD_DIR lets several test runs share a checkout without deleting each other's output.
const outDir = process.env.TEST_BUILD_DIR ?? 'build';
rmSync(outDir, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--outDir', outDir], { stdio: 'inherit' });
// TEST_ALLOW_TYPE_ERRORS=1 runs the tests even when tsc reports errors (handy mid-refactor; CI never sets it).
if (tsc.status !== 0 && process.env.TEST_ALLOW_TYPE_ERRORS !== '1') process.exit(tsc.status ?? 1);

const filter = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js') && (filter.length === 0 || filter.some((f) => p.includes(f)))) files.push(p);
  }
};
walk(outDir);
files.sort();
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
