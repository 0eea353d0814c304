/**
 * MurmurHash3 (x86, 32-bit) over a string's UTF-16 code units, read as little-endian bytes: two
 * code units make one 32-bit block, so the result equals murmur3_32 of `Buffer.from(s, 'utf16le')`.
 * Fast, non-cryptographic, good avalanche (unlike plain FNV-1a on short, similar keys such as
 * `10.0.0.1:8080#17`), and allocation-free: no encoding to bytes first.
 *
 * Hot path (consistent-hash `pick` hashes the request key with it), change with care.
 */
export function murmur3(key, seed = 0) {
    let h = seed | 0;
    const len = key.length;
    const blocks = len & ~1;
    let i = 0;
    for (; i < blocks; i += 2) {
        let k = key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16);
        k = Math.imul(k, 0xcc9e2d51);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, 0x1b873593);
        h ^= k;
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    if (i < len) {
        let k = key.charCodeAt(i);
        k = Math.imul(k, 0xcc9e2d51);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, 0x1b873593);
        h ^= k;
    }
    h ^= len * 2;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}
//# sourceMappingURL=hash.js.map