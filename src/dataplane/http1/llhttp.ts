/**
 * Node's own llhttp binding, the parser behind node:http. It is not a documented API, so it is
 * reached in this one file only, and checked at start-up: meshgate is tested on Node 20 and 22.
 * We use it directly because node:http's IncomingMessage/ServerResponse streams and per-request
 * promises cost about half the throughput of a proxy (ARCHITECTURE.md point 11); the parser
 * itself is cheap and hardened (request smuggling rules, header limits).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ParserError extends Error {
  code: string;
  reason?: string;
  bytesParsed?: number;
}

export interface HTTPParserInstance {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | ParserError;
  finish(): number | ParserError | undefined;
  close(): void;
  free(): void;
  remove(): void;
  /** Reads of a stream handle go straight into the parser (C++), bypassing the JS stream. */
  consume(handle: object): void;
  unconsume(): void;
  /** In a kOnExecute callback of a consumed handle: the bytes of the current read. */
  getCurrentBuffer(): Buffer;
  [key: number]: unknown;
}

interface HTTPParserCtor {
  new (): HTTPParserInstance;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kOnMessageBegin: number;
  readonly kOnTimeout: number;
}

const common = require('_http_common') as { HTTPParser: HTTPParserCtor; methods: string[] };

export const HTTPParser: HTTPParserCtor = common.HTTPParser;
/** llhttp's method table: onHeadersComplete reports the method as an index into it. */
export const METHODS: readonly string[] = common.methods;

if (typeof HTTPParser !== 'function' || typeof HTTPParser.kOnHeadersComplete !== 'number' || !Array.isArray(METHODS)) {
  throw new Error(`meshgate: this Node.js (${process.version}) does not expose the llhttp binding meshgate needs; use Node.js 20 or 22`);
}

export const kOnHeaders = HTTPParser.kOnHeaders;
export const kOnHeadersComplete = HTTPParser.kOnHeadersComplete;
export const kOnBody = HTTPParser.kOnBody;
export const kOnMessageComplete = HTTPParser.kOnMessageComplete;
export const kOnExecute = HTTPParser.kOnExecute;

/** The async resource the binding wants; one shared object keeps it out of the per-connection cost. */
export const PARSER_RESOURCE = Object.freeze({ type: 'meshgate' });

/**
 * Consumed sockets: the parser reads the socket's handle itself, as node:http's server does, so
 * a read costs no Buffer, no Readable.push/'data' emit and no nextTick; the parser reports each
 * read's outcome through kOnExecute. Measured: about a tenth of the proxy's CPU per request.
 * `MESHGATE_HTTP1_CONSUME=0` (or setSocketConsume(false)) keeps the plain 'data' path, which is
 * also what runs where the handle is not a stream base (tests cover both paths).
 */
let consumeEnabled = process.env.MESHGATE_HTTP1_CONSUME !== '0';

export function setSocketConsume(enabled: boolean): void {
  consumeEnabled = enabled;
}

interface StreamHandle {
  isStreamBase?: boolean;
  _consumed?: boolean;
  reading?: boolean;
  readStart(): number;
  readStop(): number;
}

function handleOf(socket: object): StreamHandle | null {
  return ((socket as { _handle?: StreamHandle | null })._handle) ?? null;
}

/** Hands the socket's reads to the parser; false when it stays on the 'data' path. */
export function consumeSocket(parser: HTTPParserInstance, socket: object): boolean {
  if (!consumeEnabled) return false;
  const handle = handleOf(socket);
  if (handle === null || handle.isStreamBase !== true || handle._consumed === true) return false;
  if (typeof parser.consume !== 'function' || typeof (socket as { _unrefTimer?: unknown })._unrefTimer !== 'function') return false;
  parser.consume(handle);
  handle._consumed = true;
  return true;
}

/** Back to the 'data' path (after which input is drained in JS). */
export function unconsumeSocket(parser: HTTPParserInstance, socket: object): void {
  parser.unconsume();
  const handle = handleOf(socket);
  if (handle !== null) handle._consumed = false;
}

/**
 * Stops and restarts reading a consumed socket. `socket.pause()` cannot: it only stops the JS
 * stream, and a consumed handle feeds the parser whatever the stream's state (node:http's server
 * does the same on its consumed sockets). `reading` is the flag net.Socket keeps in step.
 */
export function stopReading(socket: object): void {
  const handle = handleOf(socket);
  if (handle !== null && handle.reading === true) {
    handle.reading = false;
    handle.readStop();
  }
}

export function startReading(socket: object): void {
  const handle = handleOf(socket);
  if (handle !== null && handle.reading !== true) {
    handle.reading = true;
    handle.readStart();
  }
}

/** Restarts the socket's idle timer: a consumed read does not (the 'data' path does it). */
export function touchSocket(socket: object): void {
  (socket as { _unrefTimer(): void })._unrefTimer();
}
