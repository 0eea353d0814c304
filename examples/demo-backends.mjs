// Small demo upstreams for the quickstart: two "users" instances and one "orders" service that
// also echoes any other request. Run alone with `node examples/demo-backends.mjs`.
import http from 'node:http';

const users = [
  { id: '1', name: 'Ada Lovelace' },
  { id: '2', name: 'Grace Hopper' },
  { id: '3', name: 'Edsger Dijkstra' },
];
const orders = [];

function send(res, status, body) {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function usersService(instance) {
  return (req, res) => {
    const m = /^\/api\/v1\/users(?:\/([^/?]+))?/.exec(req.url);
    if (!m) return send(res, 404, { error: 'not found', instance });
    if (m[1] === undefined) return send(res, 200, { instance, users });
    const user = users.find((u) => u.id === m[1]);
    return user ? send(res, 200, { instance, user }) : send(res, 404, { instance, error: `no user ${m[1]}` });
  };
}

function ordersService(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (req.url.startsWith('/api/v1/orders')) {
      if (req.method === 'POST') {
        const order = { id: String(orders.length + 1), ...(body ? safeJson(body) : {}) };
        orders.push(order);
        return send(res, 201, { order });
      }
      return send(res, 200, { orders });
    }
    // Anything else: echo what arrived, so the gateway's header handling is visible.
    send(res, 200, { method: req.method, url: req.url, headers: req.headers, body });
  });
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

export async function startDemoBackends(host = '127.0.0.1') {
  const servers = [
    [http.createServer(usersService('users-1')), 9001],
    [http.createServer(usersService('users-2')), 9002],
    [http.createServer(ordersService), 9003],
  ];
  await Promise.all(servers.map(([s, port]) => new Promise((resolve, reject) => s.once('error', reject).listen(port, host, resolve))));
  return () => Promise.all(servers.map(([s]) => new Promise((r) => s.close(r))));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startDemoBackends();
  console.log('demo backends on 127.0.0.1:9001, :9002 (users) and :9003 (orders, echo)');
}
