/**
 * Header hygiene for the HTTP/1.1 codec. Names arrive in any case; each function compares
 * lower-cased names. Hot path, change with care.
 */

/** The first value of a header (`lowerName` lower-case) in a raw [name, value, ...] list, or null. */
export function headerValue(rawHeaders: readonly string[], lowerName: string): string | null {
  const len = lowerName.length;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === len && name.toLowerCase() === lowerName) return rawHeaders[i + 1]!;
  }
  return null;
}

/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) plus the framing fields the proxy re-creates itself.
 * Returns true for names that must not be forwarded as they are.
 */
export function isHopByHop(lower: string): boolean {
  switch (lower.length) {
    case 2:
      return lower === 'te';
    case 7:
      return lower === 'upgrade';
    case 10:
      return lower === 'connection' || lower === 'keep-alive';
    case 16:
      return lower === 'proxy-connection';
    case 17:
      return lower === 'transfer-encoding';
    default:
      return false;
  }
}

/**
 * The extra hop-by-hop names a `Connection` header lists (e.g. `Connection: close, X-Foo`),
 * lower-cased, or null when it lists none beyond the standard tokens.
 */
export function connectionListedNames(rawHeaders: readonly string[]): string[] | null {
  let out: string[] | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    const value = rawHeaders[i + 1]!;
    // The usual values list no names: skip the split (this runs for most requests and responses).
    if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') continue;
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t === '' || t === 'close' || t === 'keep-alive') continue;
      (out ??= []).push(t);
    }
  }
  return out;
}
