/**
 * The HTTP/1.1 conformance suite again, on the fallback read path: sockets read through their
 * 'data' events and parsed with execute(), as where the parser cannot consume the socket's
 * handle (or with MESHGATE_HTTP1_CONSUME=0). Both paths must frame, pipeline and reject alike.
 */
import { setSocketConsume } from '../../src/dataplane/http1/llhttp.js';

setSocketConsume(false);
await import('./http1-conformance.test.js');
