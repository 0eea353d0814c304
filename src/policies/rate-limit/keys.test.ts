import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileKey, compileKeySource, compileTierSource, firstHeader, headerNameIs } from './keys.js';

const IP = '203.0.113.7';

describe('rate-limit keys', () => {
  const raw = ['Host', 'example.com', 'X-API-Key', 'k-123', 'x-user', 'alice', 'X-User', 'bob', 'X-Empty', '', 'x-tier', 'pro'];
  const cases: { desc: string; key: string | string[] | undefined; headers?: string[]; expect: string | null }[] = [
    { desc: 'default is the client IP', key: undefined, expect: IP },
    { desc: 'ip', key: 'ip', expect: IP },
    { desc: 'global: one counter for everyone', key: 'global', expect: '' },
    { desc: 'apiKey reads x-api-key, any case', key: 'apiKey', expect: 'k-123' },
    { desc: 'header: name matched case-insensitively', key: 'header:X-USER', expect: 'alice' },
    { desc: 'header: the first of repeated headers', key: 'header:x-user', expect: 'alice' },
    { desc: 'header missing -> null (the limit is skipped)', key: 'header:x-nope', expect: null },
    { desc: 'header empty -> null', key: 'header:x-empty', expect: null },
    { desc: 'apiKey missing -> null', key: 'apiKey', headers: ['Host', 'h'], expect: null },
    { desc: 'claim: not available until authentication -> null', key: 'claim:sub', expect: null },
    { desc: 'one-element list = the bare source', key: ['apiKey'], expect: 'k-123' },
    { desc: 'composite: length-prefixed parts, last bare', key: ['ip', 'header:x-user'], expect: `${IP.length}:${IP}|alice` },
    { desc: 'composite of three', key: ['apiKey', 'global', 'ip'], expect: `5:k-123|0:|${IP}` },
    { desc: 'composite with a missing part -> null', key: ['ip', 'header:x-nope'], expect: null },
    { desc: 'composite with a claim -> null', key: ['claim:sub', 'ip'], expect: null },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.equal(compileKey(c.key)(c.headers ?? raw, IP), c.expect);
    });
  }

  it('composite keys cannot be forged by a value holding the separator', () => {
    const k = compileKey(['header:a', 'header:b']);
    const one = k(['a', 'x|1:y', 'b', 'z'], IP);
    const two = k(['a', 'x', 'b', '1:y|z'], IP);
    assert.notEqual(one, two);
    assert.equal(one, '5:x|1:y|z');
    assert.equal(two, '1:x|1:y|z');
  });

  it('rejects unknown sources', () => {
    for (const bad of ['cookie:sid', 'header:', 'claim:', 'IP', '']) assert.throws(() => compileKeySource(bad), /unknown rate-limit key source/, bad);
    assert.throws(() => compileKey([]), /empty/);
  });

  it('tierFrom: header reads the header; apiKey and claim are not available yet', () => {
    assert.equal(compileTierSource('header:X-Tier')(raw, IP), 'pro');
    assert.equal(compileTierSource('apiKey')(raw, IP), null);
    assert.equal(compileTierSource('claim:tier')(raw, IP), null);
    assert.throws(() => compileTierSource('ip'), /unknown tierFrom/);
  });

  it('headerNameIs / firstHeader compare ASCII case-insensitively without copies', () => {
    assert.equal(headerNameIs('X-Api-KEY', 'x-api-key'), true);
    assert.equal(headerNameIs('x-api-ke', 'x-api-key'), false);
    assert.equal(headerNameIs('x-api-kez', 'x-api-key'), false);
    assert.equal(headerNameIs('X-[PI-KEY', 'x-{pi-key'), false); // only A-Z fold
    assert.equal(firstHeader(['A', '1', 'b', '2'], 'b'), '2');
    assert.equal(firstHeader(['A', '1', 'b'], 'b'), null); // odd length: no value
  });
});
