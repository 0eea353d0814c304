import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { murmur3 } from './hash.js';
import { seededRandom } from '../../util/random.js';

/** Reference MurmurHash3 x86_32 over bytes, straight from the published algorithm. */
function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('murmur3', () => {
  it('the byte reference matches the published test vectors', () => {
    const VECTORS: [string, number, number][] = [
      ['', 0, 0],
      ['', 1, 0x514e28b7],
      ['', 0xffffffff, 0x81f16f39],
      ['test', 0, 0xba6bd213],
      ['aaaa', 0x9747b28c, 0x5a97808a],
      ['Hello, world!', 0x9747b28c, 0x24884cba],
      ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ];
    for (const [text, seed, expected] of VECTORS) assert.equal(murmur3Bytes(Buffer.from(text, 'latin1'), seed), expected, text);
  });

  it('equals murmur3_32 of the UTF-16LE bytes, for any string and seed', () => {
    const random = seededRandom(1);
    const strings = ['', 'a', 'ab', 'abc', '10.0.0.1:8080', 'user-12345', 'ünïcødé ✓', '😀 astral', '\u0000\u0000'];
    for (let i = 0; i < 200; i++) {
      let s = '';
      const len = (random() * 40) | 0;
      for (let j = 0; j < len; j++) s += String.fromCharCode((random() * (random() < 0.8 ? 128 : 65536)) | 0);
      strings.push(s);
    }
    for (const s of strings) {
      for (const seed of [0, 1, 0x9747b28c, 0xffffffff]) assert.equal(murmur3(s, seed), murmur3Bytes(Buffer.from(s, 'utf16le'), seed), JSON.stringify(s));
    }
    assert.equal(murmur3('\u0000\u0000'), 0x2362f9de); // four zero bytes, a published vector
  });

  it('spreads similar keys evenly: 100,000 keys over 16 buckets of the top bits within 3%', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[murmur3(`user-${i}`) >>> 28]!++;
    for (const b of buckets) assert.ok(Math.abs(b - 6250) < 6250 * 0.03, `bucket ${b}`);
  });
});
