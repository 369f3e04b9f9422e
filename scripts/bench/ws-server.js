#!/usr/bin/env node
// A WebSocket server on Node's `ws`, the baseline that scripts/bench-compare measures Pushwire
// against. Written the way the ws README shows it, with compression off (ws's default for servers).
//
//   node scripts/bench/ws-server.js echo PORT [--deflate]        echo every message to its sender
//   node scripts/bench/ws-server.js broadcast PORT [--deflate]   send every message to every client
//
// --deflate turns ws's perMessageDeflate on with its defaults (level of zlib's default, context kept
// between messages) except the threshold, 0 so that every message is compressed as the other
// servers compress them.
//
// Listens on 127.0.0.1 only and prints "listening on ws://127.0.0.1:PORT/" when ready. `ws` is
// found on NODE_PATH (scripts/bench-compare installs it into target/bench-tools/node_modules).
'use strict';

const { WebSocketServer, WebSocket } = require('ws');

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const [mode, portArg] = args.filter((a) => a !== '--deflate');
const port = Number(portArg);
if (!['echo', 'broadcast'].includes(mode) || !Number.isInteger(port) || port <= 0) {
  console.error('usage: ws-server.js echo|broadcast PORT [--deflate]');
  process.exit(2);
}

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  backlog: 4096, // as Netty's default (somaxconn), so that connect storms are treated alike
  perMessageDeflate: deflate ? { threshold: 0 } : false,
  maxPayload: 16 * 1024 * 1024,
});

wss.on('connection', (ws) => {
  ws.on('error', () => {}); // a client that vanishes is not the server's failure
  if (mode === 'echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else {
    ws.on('message', (data, isBinary) => {
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: isBinary });
        }
      }
    });
  }
});

wss.on('listening', () =>
  console.log(`listening on ws://127.0.0.1:${port}/ (${mode}${deflate ? ', permessage-deflate' : ''})`),
);
const stop = () => wss.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
