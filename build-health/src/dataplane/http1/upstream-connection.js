/**
 * The upstream half of the HTTP/1.1 codec: one keep-alive connection to an endpoint, with its
 * own llhttp response parser. It knows nothing about routing; it hands parsed response events
 * to the request that currently owns it (`UpstreamResponseHandler`).
 */
import net from 'node:net';
import { HTTPParser, PARSER_RESOURCE, kOnBody, kOnHeaders, kOnHeadersComplete, kOnMessageComplete, } from './llhttp.js';
export class UpstreamConnection {
    socket;
    owner;
    handler = null;
    /** Requests this connection completed; > 0 means a failure may be a stale keep-alive race. */
    completed = 0;
    /** Timestamp (ms) when it went idle into the pool. */
    idleSince = 0;
    connected = false;
    closed = false;
    /** Bytes of a response have arrived for the current request. */
    responseStarted = false;
    parser;
    headerAcc = null;
    inBody = false;
    /** The upstream sent its FIN: never hand this connection out again, even before 'close'. */
    peerEnded = false;
    lastError = null;
    timedOutConnect = false;
    connectTimeoutMs;
    constructor(opts, owner) {
        this.owner = owner;
        this.connectTimeoutMs = opts.connectTimeoutMs;
        const parser = new HTTPParser();
        parser.initialize(HTTPParser.RESPONSE, PARSER_RESOURCE, 0, 0);
        parser[kOnHeaders] = onHeaders;
        parser[kOnHeadersComplete] = onHeadersComplete;
        parser[kOnBody] = onBody;
        parser[kOnMessageComplete] = onMessageComplete;
        parser.conn = this;
        this.parser = parser;
        const socket = net.connect({ host: opts.host, port: opts.port, noDelay: true });
        this.socket = socket;
        socket.conn = this;
        socket.setTimeout(opts.connectTimeoutMs);
        socket.on('connect', onConnect);
        socket.on('data', onData);
        socket.on('end', onEnd);
        socket.on('drain', onDrain);
        socket.on('timeout', onTimeout);
        socket.on('error', onError);
        socket.on('close', onClose);
    }
    /** Writes are queued by the socket while it connects, so a request can be written at once. */
    write(data) {
        return this.socket.write(data, 'latin1');
    }
    cork() {
        this.socket.cork();
    }
    uncork() {
        this.socket.uncork();
    }
    destroy() {
        if (!this.closed)
            this.socket.destroy();
    }
    /** @internal socket 'data' */
    handleData(data) {
        const handler = this.handler;
        if (handler === null) {
            // Bytes on an idle connection: the server broke protocol; never reuse it.
            this.socket.destroy();
            return;
        }
        this.responseStarted = true;
        handler.corkDownstream();
        const ret = this.parser.execute(data);
        handler.uncorkDownstream();
        if (typeof ret !== 'number')
            this.fail('MG_UPSTREAM_BAD_RESPONSE', ret);
    }
    /** @internal socket 'end': a close-delimited body ends here. */
    handleEnd() {
        this.peerEnded = true;
        if (this.handler !== null && this.inBody) {
            const ret = this.parser.finish();
            if (ret !== undefined && typeof ret !== 'number')
                this.fail('MG_UPSTREAM_BAD_RESPONSE', ret);
        }
        this.socket.end();
    }
    /** @internal socket 'close' */
    handleClose() {
        this.closed = true;
        this.parser.free();
        const handler = this.handler;
        this.handler = null;
        this.owner.onConnectionClosed(this);
        if (handler !== null) {
            const code = this.timedOutConnect
                ? 'MG_UPSTREAM_CONNECT_TIMEOUT'
                : !this.connected && isRefusal(this.lastError)
                    ? 'MG_UPSTREAM_REFUSED'
                    : 'MG_UPSTREAM_RESET';
            handler.onUpstreamError(code, this.completed > 0 && !this.responseStarted, this.lastError);
        }
    }
    fail(code, cause) {
        const handler = this.handler;
        this.handler = null;
        this.socket.destroy();
        if (handler !== null)
            handler.onUpstreamError(code, false, cause);
    }
    // --- parser events (called with `this` = the parser) ---
    /** @internal */
    parsedHeaders(rawHeaders) {
        if (this.inBody) {
            this.handler?.onUpstreamTrailers(rawHeaders);
            return;
        }
        if (this.headerAcc === null)
            this.headerAcc = rawHeaders;
        else
            for (let i = 0; i < rawHeaders.length; i++)
                this.headerAcc.push(rawHeaders[i]);
    }
    /** @internal */
    parsedHeadersComplete(versionMinor, rawHeaders, status, reason, keepAlive) {
        let headers = rawHeaders ?? [];
        if (this.headerAcc !== null) {
            if (rawHeaders !== undefined)
                for (let i = 0; i < rawHeaders.length; i++)
                    this.headerAcc.push(rawHeaders[i]);
            headers = this.headerAcc;
            this.headerAcc = null;
        }
        const handler = this.handler;
        if (handler === null)
            return 1;
        if (status === 101) {
            // We never ask for an upgrade (Upgrade is not forwarded): a 101 cannot be relayed.
            this.fail('MG_UPSTREAM_BAD_RESPONSE', new Error('unsolicited 101 Switching Protocols'));
            return 1;
        }
        if (status >= 100 && status < 200) {
            // Interim response (100 Continue, 103 Early Hints): relay it, then expect the final one.
            handler.onUpstreamHead(status, reason ?? '', headers, versionMinor, keepAlive);
            return 1;
        }
        this.inBody = true;
        return handler.onUpstreamHead(status, reason ?? '', headers, versionMinor, keepAlive) ? 1 : 0;
    }
    /** @internal */
    parsedBody(chunk) {
        this.handler?.onUpstreamBody(chunk);
    }
    /** @internal */
    parsedMessageComplete(keepAlive) {
        if (!this.inBody)
            return; // end of an interim (1xx) response
        this.inBody = false;
        this.responseStarted = false;
        this.completed++;
        const handler = this.handler;
        this.handler = null;
        if (handler !== null)
            handler.onUpstreamComplete(keepAlive);
    }
    /** Open, idle, not closed by the upstream: it may carry the next request. */
    get readyForReuse() {
        return !this.closed && !this.peerEnded && this.handler === null && !this.inBody && this.connected;
    }
    /** @internal */
    handleConnect() {
        this.connected = true;
        this.socket.setTimeout(0);
    }
    /** @internal */
    handleTimeout() {
        if (!this.connected) {
            this.timedOutConnect = true;
            this.lastError = new Error(`connect timed out after ${this.connectTimeoutMs} ms`);
            this.socket.destroy();
        }
    }
    /** @internal */
    handleError(err) {
        this.lastError = err;
    }
}
function isRefusal(err) {
    const code = err?.code;
    return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL';
}
function onConnect() { this.conn.handleConnect(); }
function onData(data) { this.conn.handleData(data); }
function onEnd() { this.conn.handleEnd(); }
function onDrain() { this.conn.handler?.onUpstreamDrain(); }
function onTimeout() { this.conn.handleTimeout(); }
function onError(err) { this.conn.handleError(err); }
function onClose() { this.conn.handleClose(); }
function onHeaders(headers) { this.conn.parsedHeaders(headers); }
function onHeadersComplete(_major, minor, headers, _method, _url, status, reason, _upgrade, keepAlive) {
    return this.conn.parsedHeadersComplete(minor, headers, status, reason, keepAlive);
}
function onBody(chunk) { this.conn.parsedBody(chunk); }
function onMessageComplete() {
    // llhttp does not pass keep-alive here; the head's flag already told the handler.
    this.conn.parsedMessageComplete(true);
}
//# sourceMappingURL=upstream-connection.js.map