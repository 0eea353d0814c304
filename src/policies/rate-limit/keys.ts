/**
 * Rate-limit keys: what is counted separately. A limit's `key` (one source or a list) compiles
 * once into an extractor `(rawHeaders, clientAddress) => string | null`.
 *
 * Sources:
 * - `global`: one counter for everyone (value '').
 * - `ip`: the client address as the socket saw it (no X-Forwarded-For: trusting proxies is the
 *   listener's job).
 * - `header:<name>`: the first header of that name (case-insensitive), as received.
 * - `apiKey`: the `x-api-key` header, until API-key authentication lands.
 * - `claim:<name>`: a verified JWT claim; authentication does not exist yet, so always missing.
 *
 * Missing: a header that is absent or empty, or a claim, makes the extractor return null, and
 * the limit does not apply to that request (Envoy skips a descriptor whose header is missing;
 * Kong instead falls back to the IP). Stack an `ip` limit beside an `apiKey` one to cover
 * requests without a key.
 *
 * Composite keys: every part but the last is written `<length>:<value>|`, the last one as is, so
 * no value (header values may hold any visible character) can forge another combination:
 * `['ip', 'header:x-user']` -> `9:127.0.0.1|alice`. A single-source key is the bare value.
 *
 * Hot path: header lookups compare names without lower-casing copies; the only string built is
 * the composite key.
 */

export type KeyExtractor = (rawHeaders: readonly string[], clientAddress: string) => string | null;

/** Key sources accepted by the schema (`^(global|ip|apiKey|header:.+|claim:.+)$`). */
export type KeySource = string;

/** The header `apiKey` reads until API keys land. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * Whether header name `name` equals `lower` (already lower case) ignoring ASCII case, without
 * allocating. Header names are tokens (ASCII), so folding A-Z is enough.
 */
export function headerNameIs(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The first value of header `lower` (lower-case name) in Node's rawHeaders list, or null. */
export function firstHeader(rawHeaders: readonly string[], lower: string): string | null {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (headerNameIs(rawHeaders[i]!, lower)) return rawHeaders[i + 1]!;
  }
  return null;
}

const globalSource: KeyExtractor = () => '';
const ipSource: KeyExtractor = (_raw, clientAddress) => (clientAddress.length > 0 ? clientAddress : null);
const missingSource: KeyExtractor = () => null;

function headerSource(name: string): KeyExtractor {
  const lower = name.toLowerCase();
  return (raw) => {
    const v = firstHeader(raw, lower);
    return v === null || v.length === 0 ? null : v;
  };
}

/**
 * One source -> extractor. Throws on a source the schema would reject.
 * `claim:<name>` compiles to "always missing" until authentication provides claims.
 */
export function compileKeySource(source: KeySource): KeyExtractor {
  if (source === 'global') return globalSource;
  if (source === 'ip') return ipSource;
  if (source === 'apiKey') return headerSource(API_KEY_HEADER);
  if (source.startsWith('header:') && source.length > 7) return headerSource(source.slice(7));
  if (source.startsWith('claim:') && source.length > 6) return missingSource;
  throw new Error(`unknown rate-limit key source "${source}" (expected global, ip, apiKey, header:<name> or claim:<name>)`);
}

/** A limit's `key` (default `ip`) -> extractor; see the file header for the composite format. */
export function compileKey(key: KeySource | readonly KeySource[] | undefined): KeyExtractor {
  if (key === undefined) return ipSource;
  if (typeof key === 'string') return compileKeySource(key);
  if (key.length === 0) throw new Error('rate-limit key list is empty');
  if (key.length === 1) return compileKeySource(key[0]!);
  const parts = key.map(compileKeySource);
  const head = parts.slice(0, -1);
  const last = parts[parts.length - 1]!;
  // Hot path, change with care.
  return (raw, clientAddress) => {
    let out = '';
    for (let i = 0; i < head.length; i++) {
      const v = head[i]!(raw, clientAddress);
      if (v === null) return null;
      out += v.length + ':' + v + '|';
    }
    const v = last(raw, clientAddress);
    return v === null ? null : out + v;
  };
}

/**
 * A limit's `tierFrom` -> extractor of the caller's tier name. `header:<name>` reads the header;
 * `apiKey` (the tier of the caller's API key) and `claim:<name>` are not available until API keys
 * and authentication land, so they are always missing (the limit's fallback applies).
 */
export function compileTierSource(source: string): KeyExtractor {
  if (source.startsWith('header:') && source.length > 7) return headerSource(source.slice(7));
  if (source === 'apiKey' || (source.startsWith('claim:') && source.length > 6)) return missingSource;
  throw new Error(`unknown tierFrom "${source}" (expected header:<name>, apiKey or claim:<name>)`);
}

/** Whether a source can never produce a value yet (claims; apiKey as a tier), for config warnings. */
export function sourceUnavailable(source: KeySource, asTier = false): boolean {
  return source.startsWith('claim:') || (asTier && source === 'apiKey');
}
