/**
 * All state of one request, shared by every phase. The constructor sets every field so the
 * object keeps one shape (hot path, change with care).
 */
export class RequestContext {
    id;
    /** The config version this request runs on, read once at its start. */
    snapshot;
    startedAt;
    method;
    /** The request target as received (path + query), never decoded. */
    target;
    path;
    /** Query string including the leading '?', or ''. */
    search;
    rawHeaders;
    versionMinor;
    clientKeepAlive;
    host;
    clientRequestId;
    expectContinue;
    /** -1 when the request has no Content-Length. */
    contentLength;
    chunked;
    teTrailers;
    /** The client's IP address (IPv4-mapped IPv6 shown as IPv4). */
    clientAddress;
    /** How many Host fields the request carried (exactly one is valid in HTTP/1.1). */
    hostFields = 0;
    route = null;
    params = null;
    matchedPath = '';
    endpoint = null;
    upstream = null;
    attempts = 0;
    /** Resends on a fresh connection after a stale pooled one failed (not counted as attempts). */
    staleRetries = 0;
    /** The breaker that admitted the current attempt (its verdict is still owed), or null. */
    breaker = null;
    /** `endpoint.state.outstanding` counts the current attempt. */
    endpointCounted = false;
    /** Counted in the service's active requests (and, once retried, its active retries). */
    countedActive = false;
    countedRetry = false;
    holdsBulkhead = false;
    bulkheadWaiter = null;
    /** Per-try deadline of the current attempt. */
    tryTimer = null;
    /** Waiting before the next step: fault delay or retry backoff. */
    waitTimer = null;
    /** Body chunks kept for a retry to replay (routes with a retry policy), while under the limit. */
    replay = null;
    replayBytes = 0;
    /** False once the body outgrew retryBufferBytes: this request is no longer retried after bytes went out. */
    replayable = true;
    /** Request body bytes received from the client so far. */
    bodyBytes = 0;
    /** The client's request has been read completely. */
    requestComplete = false;
    /** The request (head, body, terminator) has been written upstream completely. */
    requestSent = false;
    /** Body chunks received before an upstream connection took them (queued pipelined request or retry). */
    pendingBody = null;
    pendingTrailers = null;
    /** Drop the rest of the request body: an error response was chosen. */
    discardBody = false;
    /** The response head has gone to the client. */
    responseStarted = false;
    status = 0;
    /** We chunk-encode the response to the client. */
    responseChunked = false;
    responseTrailers = null;
    upstreamKeepAlive = false;
    /** Close the client connection after this response. */
    closeAfter = false;
    continueSent = false;
    timer = null;
    finished = false;
    constructor(id, clientRequestId, snapshot, method, target, rawHeaders, versionMinor, clientKeepAlive, host, expectContinue, contentLength, chunked, teTrailers, clientAddress) {
        this.clientAddress = clientAddress;
        this.id = id;
        this.clientRequestId = clientRequestId;
        this.snapshot = snapshot;
        this.startedAt = Date.now();
        this.method = method;
        this.target = target;
        const q = target.indexOf('?');
        this.path = q < 0 ? target : target.slice(0, q);
        this.search = q < 0 ? '' : target.slice(q);
        this.rawHeaders = rawHeaders;
        this.versionMinor = versionMinor;
        this.clientKeepAlive = clientKeepAlive;
        this.host = host;
        this.expectContinue = expectContinue;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.teTrailers = teTrailers;
    }
    get hasBody() {
        return this.chunked || this.contentLength > 0;
    }
}
//# sourceMappingURL=context.js.map