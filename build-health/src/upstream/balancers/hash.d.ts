/**
 * MurmurHash3 (x86, 32-bit) over a string's UTF-16 code units, read as little-endian bytes: two
 * code units make one 32-bit block, so the result equals murmur3_32 of `Buffer.from(s, 'utf16le')`.
 * Fast, non-cryptographic, good avalanche (unlike plain FNV-1a on short, similar keys such as
 * `10.0.0.1:8080#17`), and allocation-free: no encoding to bytes first.
 *
 * Hot path (consistent-hash `pick` hashes the request key with it), change with care.
 */
export declare function murmur3(key: string, seed?: number): number;
