/**
 * Header hygiene for the HTTP/1.1 codec. Names arrive in any case; each function compares
 * lower-cased names. Hot path, change with care.
 */
/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) plus the framing fields the proxy re-creates itself.
 * Returns true for names that must not be forwarded as they are.
 */
export declare function isHopByHop(lower: string): boolean;
/**
 * The extra hop-by-hop names a `Connection` header lists (e.g. `Connection: close, X-Foo`),
 * lower-cased, or null when it lists none beyond the standard tokens.
 */
export declare function connectionListedNames(rawHeaders: readonly string[]): string[] | null;
/** True if a header value contains CR, LF or NUL: never written into a head we build. */
export declare function hasForbiddenChars(value: string): boolean;
