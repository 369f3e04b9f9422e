// Echo round trip through Node's ws with permessage-deflate options of the test's choice.
// Usage: node deflate_roundtrip.js URL OPTIONS_JSON
//   OPTIONS_JSON: {"perMessageDeflate": false | {ws PerMessageDeflateOptions},
//                  "headers": {extra upgrade headers},
//                  "messages": [{"kind": "text"|"binary", "size": N, "pattern": "repeat"|"random",
//                                "count": N}]}
// Prints one JSON line: {"opened", "extensions" (response header or null), "sent", "echoed",
//   "mismatches" (first few), "payloadSent", "payloadReceived", "bytesWritten", "bytesRead", "closeCode", "error"}.
'use strict';
const crypto = require('crypto');
const WebSocket = require('ws');

const [url, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson || '{}');
const result = {
  opened: false, extensions: null, sent: 0, echoed: 0, mismatches: [], payloadSent: 0, payloadReceived: 0,
  bytesWritten: 0, bytesRead: 0, closeCode: null, error: null,
};
let socket = null;

function finish() {
  if (socket) {
    result.bytesWritten = socket.bytesWritten;
    result.bytesRead = socket.bytesRead;
  }
  console.log(JSON.stringify(result));
  process.exit(0);
}
setTimeout(() => { result.error = 'script timeout'; finish(); }, 25000).unref();

function payload(m) {
  if (m.pattern === 'random') {
    const bytes = crypto.randomBytes(m.size);
    return m.kind === 'text' ? bytes.toString('base64').slice(0, m.size) : bytes;
  }
  const text = 'pushwire permessage-deflate round trip '.repeat(Math.ceil(m.size / 39) + 1)
    .slice(0, m.size);
  return m.kind === 'text' ? text : Buffer.from(text);
}

const plan = [];
for (const m of options.messages || []) {
  for (let i = 0; i < (m.count || 1); i++) plan.push(m);
}

const ws = new WebSocket(url, {
  perMessageDeflate: options.perMessageDeflate === undefined ? true : options.perMessageDeflate,
  headers: options.headers || {},
  maxPayload: 256 * 1024 * 1024,
});
ws.on('upgrade', (res) => {
  result.extensions = res.headers['sec-websocket-extensions'] || null;
  socket = res.socket;
});
ws.on('error', (e) => { result.error = String(e && e.message || e); });
ws.on('close', (code) => { result.closeCode = code; finish(); });
ws.on('open', () => {
  result.opened = true;
  next();
});

let expected = null;
function next() {
  if (result.sent === plan.length) {
    ws.close(1000, 'done');
    return;
  }
  const m = plan[result.sent];
  expected = { kind: m.kind, data: payload(m) };
  result.payloadSent += Buffer.byteLength(expected.data);
  ws.send(expected.data, { binary: m.kind === 'binary' });
  result.sent++;
}
ws.on('message', (data, isBinary) => {
  const want = expected.kind === 'binary' ? expected.data : Buffer.from(expected.data);
  const kindOk = isBinary === (expected.kind === 'binary');
  if (!kindOk || !Buffer.from(data).equals(want)) {
    if (result.mismatches.length < 5) {
      result.mismatches.push(`message ${result.sent}: ${expected.kind} of ${want.length} bytes`
        + ` came back as ${isBinary ? 'binary' : 'text'} of ${data.length} bytes`);
    }
  } else {
    result.echoed++;
  }
  result.payloadReceived += data.length;
  next();
});
