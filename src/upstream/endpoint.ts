import { isIP } from 'node:net';
import type { EndpointState } from './endpoint-state.js';

/** One upstream address, parsed once per config version. */
export interface Endpoint {
  /** `host:port` as written in the config (IPv6 as `[::1]:8080`). */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** The host is an IP literal (not a name): tracing reports it as the peer address. */
  readonly hostIsIp: boolean;
  readonly weight: number;
  /** Live state (health, ejection, requests in flight), kept across config versions. */
  readonly state: EndpointState;
}

/** Parses `host:port` / `[v6]:port`. Returns null when the text is not a valid address. */
export function parseAddress(address: string): { host: string; port: number; hostIsIp: boolean } | null {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0 || address[end + 1] !== ':') return null;
    host = address.slice(1, end);
    portText = address.slice(end + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon <= 0) return null;
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    if (host.includes(':')) return null;
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port < 1 || port > 65535 || host === '') return null;
  return { host, port, hostIsIp: isIP(host) !== 0 };
}
