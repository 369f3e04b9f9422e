// Sends raw upgrade requests with the given Sec-WebSocket-Extensions values (exactly as written,
// no library negotiation) and reports what the server answered to each.
// Usage: node deflate_offers.js URL OFFER [OFFER...]
// Prints one JSON line: {"results": [{"offer", "status", "extensions" (or null), "error"}]}.
'use strict';
const crypto = require('crypto');
const http = require('http');

const [url, ...offers] = process.argv.slice(2);
const target = new URL(url);
setTimeout(() => { console.log(JSON.stringify({ error: 'script timeout' })); process.exit(0); },
  20000).unref();

function offer(value) {
  return new Promise((resolve) => {
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname,
      headers: {
        Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
        'Sec-WebSocket-Extensions': value,
      },
    });
    req.on('upgrade', (res, socket) => {
      resolve({ offer: value, status: res.statusCode,
        extensions: res.headers['sec-websocket-extensions'] || null, error: null });
      // A close frame (masked, code 1000) so the server sees an orderly goodbye.
      socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ offer: value, status: res.statusCode,
        extensions: res.headers['sec-websocket-extensions'] || null, error: null });
    });
    req.on('error', (e) => resolve({ offer: value, status: 0, extensions: null,
      error: String(e.message) }));
    req.end();
  });
}

(async () => {
  const results = [];
  for (const o of offers) results.push(await offer(o));
  console.log(JSON.stringify({ results }));
  process.exit(0);
})();
