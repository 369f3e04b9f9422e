// Fan-out check against a server that broadcasts every message it receives to every client.
// Opens CLIENTS ws clients (even ones with permessage-deflate, odd ones without); once all are
// open, client 0 sends MESSAGES numbered messages of varied size and then "END". Every client
// checks that it got each message exactly once, in order, intact, and then END.
// Usage: node broadcast_clients.js URL CLIENTS MESSAGES
// Prints one JSON line: {"clients": [{"index", "deflate", "extensions", "received", "problems",
//   "sawEnd", "bytesRead"}], "error"}.
'use strict';
const WebSocket = require('ws');

const [url, clientsArg, messagesArg] = process.argv.slice(2);
const clientCount = Number(clientsArg);
const messageCount = Number(messagesArg);
// Below, at and above the server's compressionMinSize (256), up to near the 64 KiB limit.
const SIZES = [1, 17, 100, 255, 256, 257, 700, 1500, 4096, 10000, 33333, 60000];

function message(seq) {
  const size = SIZES[seq % SIZES.length];
  const head = `${seq}:`;
  let body = '';
  // Compressible but different for every message: words mixed with the sequence number.
  while (head.length + body.length < size) body += `w${(seq * 31 + body.length) % 97} `;
  return (head + body).slice(0, Math.max(size, head.length));
}

const clients = [];
let ended = 0;
let opened = 0;
let done = false;

function finish(error) {
  if (done) return;
  done = true;
  const report = clients.map((c) => ({
    index: c.index, deflate: c.deflate, extensions: c.extensions, received: c.received,
    problems: c.problems.slice(0, 5), problemCount: c.problems.length, sawEnd: c.sawEnd,
    bytesRead: c.socket ? c.socket.bytesRead : 0,
  }));
  console.log(JSON.stringify({ clients: report, error: error || null }));
  process.exit(0);
}
// Just under the Java side's 180 s, so that a run slowed down by a busy machine still reports.
setTimeout(() => finish('script timeout'), 170000).unref();

for (let i = 0; i < clientCount; i++) {
  const c = {
    index: i, deflate: i % 2 === 0, extensions: null, received: 0, problems: [], sawEnd: false,
    socket: null,
  };
  clients.push(c);
  c.ws = new WebSocket(url, { perMessageDeflate: c.deflate, maxPayload: 1024 * 1024 });
  c.ws.on('upgrade', (res) => {
    c.extensions = res.headers['sec-websocket-extensions'] || null;
    c.socket = res.socket;
  });
  c.ws.on('error', (e) => c.problems.push(`error: ${e.message}`));
  c.ws.on('close', (code) => {
    if (!c.sawEnd) c.problems.push(`closed with ${code} before END`);
  });
  c.ws.on('message', (data, isBinary) => {
    const text = data.toString();
    if (isBinary) c.problems.push(`binary message at ${c.received}`);
    if (text === 'END') {
      if (c.sawEnd) c.problems.push('END twice');
      c.sawEnd = true;
      if (c.received !== messageCount) {
        c.problems.push(`END after ${c.received} of ${messageCount} messages`);
      }
      if (++ended === clientCount) {
        // Wait a little for anything that would arrive twice, then leave.
        setTimeout(() => {
          for (const x of clients) x.ws.close(1000);
          setTimeout(() => finish(null), 200);
        }, 200);
      }
      return;
    }
    if (c.sawEnd) {
      c.problems.push(`message after END: ${text.slice(0, 20)}`);
      return;
    }
    const want = message(c.received);
    if (text !== want) {
      const seq = text.split(':')[0];
      c.problems.push(`expected message ${c.received} (${want.length} bytes), got #${seq}`
        + ` (${text.length} bytes)`);
    }
    c.received++;
  });
  c.ws.on('open', () => {
    if (++opened === clientCount) {
      const sender = clients[0].ws;
      for (let s = 0; s < messageCount; s++) sender.send(message(s));
      sender.send('END');
    }
  });
}
