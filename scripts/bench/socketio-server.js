#!/usr/bin/env node
// A Socket.IO 4.8 server, the Node peer that scripts/bench-compare measures `pushwire serve`'s
// fan-out against (issue #16): what people pick for "a hub with rooms" in Node, written the way its
// documentation shows it, with no tuning.
//
//   node scripts/bench/socketio-server.js PORT
//
// Subscribers connect to ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket&channel=NAME
// and join the room NAME (default: default) when their Socket.IO connection opens; publishers
// POST /api/publish {"channel":"NAME","data":ANY}, as with Pushwire's HTTP API, and the server
// sends io.to(NAME).emit('m', data) and answers 200 {"recipients":N}. pushwire-bench talks to it
// with `fanout --socketio` (it speaks the Engine.IO/Socket.IO wire protocol over WebSocket itself,
// so the same generator measures both servers).
//
// Listens on 127.0.0.1 only and prints "listening on ..." when ready. `socket.io` is found on
// NODE_PATH (scripts/bench-compare installs it into target/bench-tools/node_modules).
'use strict';

const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: socketio-server.js PORT');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/publish') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not Found\n');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad JSON: ' + e.message }));
      return;
    }
    const room = typeof body.channel === 'string' ? body.channel : 'default';
    const recipients = (io.sockets.adapter.rooms.get(room) || { size: 0 }).size;
    io.to(room).emit('m', body.data);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ recipients }));
  });
});
server.keepAliveTimeout = 60000;

const io = new Server(server);
io.on('connection', (socket) => {
  const room = socket.handshake.query.channel;
  socket.join(typeof room === 'string' && room ? room : 'default');
});

server.listen(port, '127.0.0.1', 4096, () =>
  console.log(`listening on ws://127.0.0.1:${port}/socket.io/ (socket.io, rooms)`),
);
const stop = () => {
  io.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
