/**
 * Building the heads that cross the proxy: the upstream request and the client response.
 * RFC 9110 section 7.6: hop-by-hop fields (and those `Connection` names) are dropped, framing is
 * re-created by the proxy, X-Forwarded-* and Via are added. Hot path, change with care.
 */
import { STATUS_CODES } from 'node:http';
import type { RequestContext } from './context.js';
import { connectionListedNames, isHopByHop } from './http1/headers.js';

export const VIA = '1.1 meshgate';

export interface ClientInfo {
  readonly remoteAddress: string;
  readonly proto: 'http' | 'https';
}

/** The request head sent upstream. `target` is the (possibly rewritten) path + query. */
export function buildUpstreamHead(ctx: RequestContext, target: string, client: ClientInfo): string {
  const raw = ctx.rawHeaders;
  const listed = connectionListedNames(raw);
  const hostRewrite = ctx.route!.hostRewrite;
  // Sampled requests (tracing) replace the incoming trace headers with this attempt's.
  const trace = ctx.trace;
  let head = ctx.method + ' ' + target + ' HTTP/1.1\r\n';
  let xff = '';
  let via = '';
  let sawHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (isHopByHop(lower)) continue;
    if (listed !== null && listed.includes(lower)) continue;
    if (trace !== null && trace.replaces(lower)) continue;
    switch (lower) {
      case 'host':
        if (sawHost || hostRewrite !== null) continue;
        sawHost = true;
        break;
      case 'x-forwarded-for':
        xff = xff === '' ? raw[i + 1]! : xff + ', ' + raw[i + 1]!;
        continue;
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
      case 'x-request-id':
        continue;
      case 'via':
        via = via === '' ? raw[i + 1]! : via + ', ' + raw[i + 1]!;
        continue;
    }
    head += name + ': ' + raw[i + 1]! + '\r\n';
  }
  if (hostRewrite !== null) head += 'host: ' + hostRewrite + '\r\n';
  // Only an HTTP/1.0 request can come without Host (1.1 ones are refused): the upstream request is
  // HTTP/1.1, which requires one, so name the endpoint.
  else if (!sawHost) head += 'host: ' + ctx.endpoint!.address + '\r\n';
  const clientIp = client.remoteAddress;
  head += 'x-forwarded-for: ' + (xff === '' ? clientIp : xff + ', ' + clientIp) + '\r\n';
  head += 'x-forwarded-proto: ' + client.proto + '\r\n';
  if (ctx.host !== '') head += 'x-forwarded-host: ' + ctx.host + '\r\n';
  head += 'via: ' + (via === '' ? VIA : via + ', ' + VIA) + '\r\n';
  head += 'x-request-id: ' + ctx.id + '\r\n';
  if (trace !== null) head += trace.headers;
  if (ctx.chunked) head += 'transfer-encoding: chunked\r\n';
  if (ctx.teTrailers) head += 'te: trailers\r\n';
  return head + '\r\n';
}

export interface ResponseFraming {
  /** The head to write to the client. */
  head: string;
  /** We chunk-encode the body to the client. */
  chunked: boolean;
  /** The body is delimited by closing the connection (HTTP/1.0 client, unknown length). */
  closeDelimited: boolean;
}

/** The response head sent to the client, and how its body is framed. */
export function buildClientHead(
  ctx: RequestContext, status: number, reason: string, raw: readonly string[], noBody: boolean, closeAfter: boolean,
): ResponseFraming {
  const listed = connectionListedNames(raw);
  let head = 'HTTP/1.1 ' + status + ' ' + (reason === '' ? (STATUS_CODES[status] ?? '') : reason) + '\r\n';
  let hasLength = false;
  let upstreamChunked = false;
  let via = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (isHopByHop(lower)) {
      if (lower === 'transfer-encoding') upstreamChunked = true;
      continue;
    }
    if (listed !== null && listed.includes(lower)) continue;
    if (lower === 'content-length') hasLength = true;
    else if (lower === 'x-request-id') continue;
    else if (lower === 'via') {
      via = via === '' ? raw[i + 1]! : via + ', ' + raw[i + 1]!;
      continue;
    }
    head += name + ': ' + raw[i + 1]! + '\r\n';
  }
  head += 'via: ' + (via === '' ? VIA : via + ', ' + VIA) + '\r\n';
  head += 'x-request-id: ' + ctx.id + '\r\n';
  head += ctx.responseHeaders;
  // Routes with a retry policy say how many attempts the answer took (Envoy: x-envoy-attempt-count).
  if (ctx.route !== null && ctx.route.retry !== null) head += 'x-meshgate-attempts: ' + ctx.attempts + '\r\n';
  let chunked = false;
  let closeDelimited = false;
  const bodyless = noBody || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (!bodyless && (upstreamChunked || !hasLength)) {
    if (ctx.versionMinor >= 1) {
      chunked = true;
      head += 'transfer-encoding: chunked\r\n';
    } else {
      closeDelimited = true;
    }
  }
  if (closeAfter || closeDelimited) head += 'connection: close\r\n';
  else if (ctx.versionMinor === 0) head += 'connection: keep-alive\r\n';
  return { head: head + '\r\n', chunked, closeDelimited };
}

/** `0\r\n` + trailer fields + `\r\n`: the end of a chunked body. */
export function chunkedTerminator(trailers: readonly string[] | null): string {
  if (trailers === null || trailers.length === 0) return '0\r\n\r\n';
  let out = '0\r\n';
  for (let i = 0; i < trailers.length; i += 2) {
    const lower = trailers[i]!.toLowerCase();
    // Framing and routing fields are not allowed in trailers (RFC 9110 section 6.5.1).
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'host' || isHopByHop(lower)) continue;
    out += trailers[i]! + ': ' + trailers[i + 1]! + '\r\n';
  }
  return out + '\r\n';
}
