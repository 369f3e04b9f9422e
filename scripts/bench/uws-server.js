#!/usr/bin/env node
// A WebSocket server on uWebSockets (C++), through the prebuilt native addon of uWebSockets.js:
// the C++ server that scripts/bench-compare measures Pushwire against. JavaScript only wires the
// handlers; framing, masking, deflate and the event loop are uWebSockets' C++.
//
//   node scripts/bench/uws-server.js echo PORT [--deflate]        echo every message to its sender
//   node scripts/bench/uws-server.js broadcast PORT [--deflate]   send every message to every client
//
// --deflate accepts permessage-deflate with uWebSockets' SHARED_COMPRESSOR and SHARED_DECOMPRESSOR
// (one deflate context for all connections, reset per message: server_no_context_takeover) and
// compresses every message it sends. Without it, compression is off, uWebSockets' default.
//
// Listens on 127.0.0.1 only and prints "listening on ws://127.0.0.1:PORT/" when ready. The addon
// comes from npm's `uwebsockets` package (a repackaging of uWebSockets.js v20, whose
// source_commit file names the upstream commit), found on NODE_PATH: scripts/bench-compare
// installs it into target/bench-tools/node_modules.
'use strict';

const uWS = require('uwebsockets');

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const [mode, portArg] = args.filter((a) => a !== '--deflate');
const port = Number(portArg);
if (!['echo', 'broadcast'].includes(mode) || !Number.isInteger(port) || port <= 0) {
  console.error('usage: uws-server.js echo|broadcast PORT [--deflate]');
  process.exit(2);
}

const TOPIC = 'all';
let listenSocket = null;

const app = uWS.App().ws('/*', {
  compression: deflate ? uWS.SHARED_COMPRESSOR | uWS.SHARED_DECOMPRESSOR : uWS.DISABLED,
  maxPayloadLength: 16 * 1024 * 1024,
  // As ws and the Java servers: a slow reader gets its messages queued, not dropped (uWebSockets
  // skips a socket whose backlog is over this), and no idle timeout closes quiet connections.
  maxBackpressure: 1024 * 1024 * 1024,
  idleTimeout: 0,
  open: (ws) => {
    if (mode === 'broadcast') ws.subscribe(TOPIC);
  },
  message:
    mode === 'echo'
      ? (ws, message, isBinary) => {
          ws.send(message, isBinary, deflate);
        }
      : (ws, message, isBinary) => {
          // app.publish reaches every subscriber, the sender too, as ws-server.js's loop does.
          app.publish(TOPIC, message, isBinary, deflate);
        },
});

app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`uws-server.js: cannot listen on 127.0.0.1:${port}`);
    process.exit(1);
  }
  listenSocket = token;
  console.log(
    `listening on ws://127.0.0.1:${port}/ (${mode}${deflate ? ', permessage-deflate' : ''})`,
  );
});

const stop = () => {
  if (listenSocket) uWS.us_listen_socket_close(listenSocket);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
