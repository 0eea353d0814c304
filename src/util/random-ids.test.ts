import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newUuid, randomHex } from './random-ids.js';

describe('random ids', () => {
  it('makes version 4 UUIDs in lower-case text form, all different', () => {
    const seen = new Set<string>();
    // More ids than one pool holds, so the pool is refilled several times.
    for (let i = 0; i < 5000; i++) {
      const id = newUuid();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    assert.equal(seen.size, 5000);
  });

  it('uses every hex digit in every random position', () => {
    // A broken table or shift shows as a digit that never appears somewhere.
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 3000; i++) [...newUuid()].forEach((c, j) => digits[j]!.add(c));
    for (const j of [0, 7, 9, 12, 15, 17, 20, 22, 24, 35]) assert.equal(digits[j]!.size, 16, `position ${j}`);
    assert.deepEqual([...digits[14]!], ['4']);
    assert.deepEqual([...digits[19]!].sort(), ['8', '9', 'a', 'b']);
  });

  it('gives random hex of the asked length', () => {
    assert.match(randomHex(8), /^[0-9a-f]{16}$/);
    assert.match(randomHex(16), /^[0-9a-f]{32}$/);
    assert.notEqual(randomHex(16), randomHex(16));
  });
});
