// pushwire.js: the browser client of a Pushwire node, speaking the pushwire.v1 protocol
// (docs/PROTOCOL.md). A dependency-free ES module, served by every node at /pushwire.js:
//
//   import { Pushwire } from "http://127.0.0.1:9876/pushwire.js";
//   const pw = new Pushwire("ws://127.0.0.1:9876/");
//   pw.subscribe("news", (data, pub) => console.log(pub.offset, data));
//   pw.connect();
//
// It reconnects with exponential backoff and full jitter, resubscribes every channel with the
// offset and epoch of the last publication it delivered (so the server sends what was missed),
// skips duplicates, acts on every delivery signal of the server (close code 4008, an
// `unsubscribed` notice, a `lost` range, a push that skips offsets), and tells the application
// when publications could not be recovered.
//
// Licensed under the Apache License 2.0.

/** The subprotocol this client speaks. */
export const SUBPROTOCOL = "pushwire.v1";

/** Connection states, as reported by `state` and the events of the same names. */
export const State = Object.freeze({
  DISCONNECTED: "disconnected", // not yet connected
  CONNECTING: "connecting", // a socket is being opened
  OPEN: "open", // connected: commands flow
  RECONNECTING: "reconnecting", // waiting before the next attempt
  CLOSED: "closed", // close() was called; nothing more happens
});

const DEFAULTS = Object.freeze({
  token: null, // a string, or a function returning a string or a Promise of one
  minReconnectDelay: 500, // ms: the first retry waits this long
  maxReconnectDelay: 20000, // ms: no retry waits longer
  timeout: 10000, // ms: a command without a reply by then fails
  pingInterval: 25000, // ms: ping this often while open; 0 turns it off
  WebSocket: undefined, // the WebSocket class to use; the global one by default
});

/** A failed command: `code` is the protocol's error code (or "timeout", "disconnected"). */
export class PushwireError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PushwireError";
    this.code = code;
  }
}

/**
 * The wait before reconnect attempt `attempt` (0 for the first): exponential backoff with full
 * jitter, a random value between `min` and min(`max`, `min` * 2^attempt).
 */
export function backoff(attempt, min, max, random = Math.random) {
  const cap = Math.min(max, min * Math.pow(2, Math.min(attempt, 30)));
  return Math.round(min + random() * Math.max(0, cap - min));
}

/**
 * One connection to a Pushwire node. Create it, subscribe, then `connect()`; subscriptions made
 * at any time are (re)established whenever the connection opens.
 *
 * Events (`on(name, fn)`, which returns a function that removes `fn`):
 * - `connecting` {attempt}: a socket is being opened (attempt 0 is the first of a series)
 * - `open` {}: connected; subscriptions are being (re)established
 * - `closed` {code, reason, reconnect}: the socket closed; `reconnect` says whether a retry follows
 * - `reconnecting` {attempt, delay}: the next attempt starts in `delay` ms
 * - `subscribed` {channel, recovered, resubscribed, offset, epoch, lost}: a subscription is live.
 *   `resubscribed: true, recovered: false` means publications made while disconnected are lost
 *   (history no longer holds them, or the channel's epoch changed): reload the channel's state.
 *   `lost` {from, to}, when present, names the offsets that are gone; what history still held
 *   after them is delivered.
 * - `unsubscribed` {channel, code, message, resubscribe}: the server ended a subscription (for
 *   example `insufficient_state`: the node lost track of the channel's stream); with `resubscribe`
 *   the client subscribes again by itself, from the last offset it delivered.
 * - `error` {error, channel?}: a subscription was refused, the token failed, or a callback threw
 */
export class Pushwire {
  constructor(url, options = {}) {
    if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
      throw new TypeError("url must be a ws:// or wss:// URL, not " + url);
    }
    this.url = url;
    this.options = { ...DEFAULTS, ...options };
    this._WebSocket = this.options.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== "function") {
      throw new TypeError("no WebSocket class: pass one as options.WebSocket");
    }
    this._state = State.DISCONNECTED;
    this._ws = null;
    this._attempt = 0;
    this._nextId = 1;
    this._pending = new Map(); // id -> {resolve, reject, timer, payload}
    this._queue = []; // commands waiting for the connection to open
    this._subs = new Map(); // channel -> subscription state
    this._listeners = new Map(); // event -> Set of functions
    this._reconnectTimer = null;
    this._pingTimer = null;
    this._onOnline = () => {
      if (this._state === State.RECONNECTING) {
        this._retryNow();
      }
    };
  }

  /** The connection state: one of the values of `State`. */
  get state() {
    return this._state;
  }

  /** Registers `fn` for `event`; returns a function that removes it. */
  on(event, fn) {
    let set = this._listeners.get(event);
    if (!set) {
      set = new Set();
      this._listeners.set(event, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Opens the connection (and keeps it open until `close()`). Returns this. */
  connect() {
    if (this._state === State.CLOSED) {
      throw new Error("this client was closed; create a new one");
    }
    if (this._state === State.DISCONNECTED) {
      if (typeof addEventListener === "function") {
        addEventListener("online", this._onOnline);
      }
      this._open();
    }
    return this;
  }

  /** Closes the connection for good: no reconnect; pending commands fail. */
  close() {
    if (this._state === State.CLOSED) {
      return;
    }
    const wasStarted = this._state !== State.DISCONNECTED;
    this._state = State.CLOSED;
    clearTimeout(this._reconnectTimer);
    this._stopPing();
    if (typeof removeEventListener === "function") {
      removeEventListener("online", this._onOnline);
    }
    this._failAll("disconnected", "the client was closed");
    if (this._ws) {
      const ws = this._ws;
      this._ws = null;
      this._detach(ws);
      ws.close(1000, "client closed");
    }
    if (wasStarted) {
      this._emit("closed", { code: 1000, reason: "client closed", reconnect: false });
    }
  }

  /**
   * Subscribes `onPublication(data, publication)` to `channel`; `publication` is {channel,
   * offset, epoch, data}. Several callbacks may share a channel. Returns a handle: `unsubscribe()`
   * removes this callback (and the subscription with the last one); `ready` is a Promise of the
   * server's answer {channel, recovered, offset, epoch}.
   */
  subscribe(channel, onPublication, options = {}) {
    if (typeof channel !== "string" || channel.length === 0) {
      throw new TypeError("channel must be a non-empty string");
    }
    if (typeof onPublication !== "function") {
      throw new TypeError("onPublication must be a function");
    }
    let sub = this._subs.get(channel);
    if (!sub) {
      sub = {
        channel,
        callbacks: new Set(),
        offset: null,
        epoch: null,
        live: false,
        everSubscribed: false,
        resyncing: false, // a resubscribe after a gap is on its way: pushes wait for it
        waiters: [],
      };
      if (options.since) {
        sub.offset = options.since.offset;
        sub.epoch = options.since.epoch;
      }
      this._subs.set(channel, sub);
      if (this._state === State.OPEN) {
        this._sendSubscribe(sub);
      }
    }
    const entry = { fn: onPublication };
    sub.callbacks.add(entry);
    const ready = sub.live
      ? Promise.resolve({
          channel,
          recovered: false,
          offset: sub.offset,
          epoch: sub.epoch,
        })
      : new Promise((resolve, reject) => sub.waiters.push({ resolve, reject }));
    ready.catch(() => {}); // reported through the "error" event too; never "unhandled"
    return {
      channel,
      ready,
      unsubscribe: () => this._unsubscribe(sub, entry),
    };
  }

  /** The last offset and epoch delivered on `channel`, or null. */
  position(channel) {
    const sub = this._subs.get(channel);
    return sub && sub.epoch !== null ? { offset: sub.offset, epoch: sub.epoch } : null;
  }

  /** Publishes `data` (any JSON value) to `channel`, if the server allows clients to publish. */
  publish(channel, data) {
    return this._command({ op: "publish", channel, data: data === undefined ? null : data });
  }

  /** The channel's history: options {limit, since: {offset, epoch}}. */
  history(channel, options = {}) {
    const cmd = { op: "history", channel };
    if (options.limit !== undefined) cmd.limit = options.limit;
    if (options.since) cmd.since = options.since;
    return this._command(cmd);
  }

  /** Who is subscribed to `channel`, on every node. */
  presence(channel) {
    return this._command({ op: "presence", channel });
  }

  /** Round trip to the server; resolves with the time it took, in milliseconds. */
  ping() {
    const start = now();
    return this._command({ op: "ping" }).then(() => now() - start);
  }

  // ---- connection --------------------------------------------------------------------------

  async _open() {
    this._state = State.CONNECTING;
    this._emit("connecting", { attempt: this._attempt });
    let url = this.url;
    const token = this.options.token;
    if (token) {
      let value;
      try {
        value = typeof token === "function" ? await token() : token;
      } catch (error) {
        if (this._state === State.CLOSED) return;
        this._emit("error", { error });
        this._scheduleReconnect();
        return;
      }
      if (this._state === State.CLOSED) return;
      if (value) {
        url += (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(value);
      }
    }
    let ws;
    try {
      ws = new this._WebSocket(url, SUBPROTOCOL);
    } catch (error) {
      this._emit("error", { error });
      this._scheduleReconnect();
      return;
    }
    this._ws = ws;
    ws.onopen = () => this._opened(ws);
    ws.onmessage = (e) => this._message(e.data);
    ws.onclose = (e) => this._closed(ws, e.code, e.reason);
    ws.onerror = () => {}; // the close event that follows says what happened
  }

  _opened(ws) {
    if (ws !== this._ws) return;
    if (ws.protocol !== SUBPROTOCOL) {
      // A server that does not speak pushwire.v1 would send raw payloads: give up on this socket.
      this._emit("error", {
        error: new PushwireError("bad_request", "the server did not accept " + SUBPROTOCOL),
      });
      ws.close(1000, "pushwire.v1 required");
      return;
    }
    this._state = State.OPEN;
    this._attempt = 0;
    this._emit("open", {});
    for (const sub of this._subs.values()) {
      this._sendSubscribe(sub);
    }
    const queued = this._queue;
    this._queue = [];
    for (const id of queued) {
      this._send(id);
    }
    this._startPing();
  }

  _closed(ws, code, reason) {
    if (ws !== this._ws) return;
    this._detach(ws);
    this._ws = null;
    this._stopPing();
    for (const sub of this._subs.values()) {
      sub.live = false;
    }
    // Commands sent on this socket got no reply and never will; queued ones wait for the next.
    for (const [id, p] of this._pending) {
      if (p.sent) {
        this._settle(id, null, new PushwireError("disconnected", "the connection closed"));
      }
    }
    if (this._state === State.CLOSED) return;
    this._emit("closed", { code, reason, reconnect: true });
    this._scheduleReconnect();
  }

  _detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  _scheduleReconnect() {
    if (this._state === State.CLOSED) return;
    const delay = backoff(
      this._attempt,
      this.options.minReconnectDelay,
      this.options.maxReconnectDelay,
    );
    this._attempt++;
    this._state = State.RECONNECTING;
    this._emit("reconnecting", { attempt: this._attempt, delay });
    this._reconnectTimer = setTimeout(() => this._open(), delay);
  }

  _retryNow() {
    clearTimeout(this._reconnectTimer);
    this._open();
  }

  _startPing() {
    const every = this.options.pingInterval;
    if (!every) return;
    this._pingTimer = setInterval(() => {
      this.ping().catch((error) => {
        // No answer in time: the connection is dead even if the socket has not noticed.
        if (error.code === "timeout" && this._ws && this._state === State.OPEN) {
          this._ws.close(4000, "ping timeout");
        }
      });
    }, every);
  }

  _stopPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = null;
  }

  // ---- subscriptions -----------------------------------------------------------------------

  _sendSubscribe(sub) {
    const cmd = { op: "subscribe", channel: sub.channel };
    const resubscribed = sub.everSubscribed;
    const sinceEpoch = sub.epoch;
    if (sub.epoch !== null) {
      cmd.since = { offset: sub.offset, epoch: sub.epoch };
    }
    this._command(cmd).then(
      (result) => {
        if (this._subs.get(sub.channel) !== sub) return; // unsubscribed meanwhile
        if (result.lost) {
          // History no longer holds lost.from..lost.to; what it holds after them follows.
          sub.offset = result.lost.to;
          sub.epoch = result.epoch;
        } else if (!result.recovered && sinceEpoch !== null && sinceEpoch !== result.epoch) {
          // The epoch of the position ended: the new one follows from its start.
          sub.offset = 0;
          sub.epoch = result.epoch;
        } else if (!result.recovered) {
          // Nothing was replayed: carry on from where the subscription went live, unless a
          // later push of the same epoch already arrived.
          if (sub.epoch !== result.epoch || sub.offset === null || sub.offset < result.offset) {
            sub.offset = result.offset;
            sub.epoch = result.epoch;
          }
        }
        sub.live = true;
        sub.resyncing = false;
        sub.everSubscribed = true;
        const info = {
          channel: sub.channel,
          recovered: result.recovered,
          resubscribed,
          offset: result.offset,
          epoch: result.epoch,
        };
        if (result.lost) info.lost = { from: result.lost.from, to: result.lost.to };
        for (const w of sub.waiters.splice(0)) w.resolve(info);
        this._emit("subscribed", info);
      },
      (error) => {
        if (this._subs.get(sub.channel) !== sub) return;
        if (error.code === "disconnected" || error.code === "timeout") {
          return; // retried when the connection opens again
        }
        // Refused (bad_channel, forbidden, ...): the subscription is over.
        this._subs.delete(sub.channel);
        for (const w of sub.waiters.splice(0)) w.reject(error);
        this._emit("error", { error, channel: sub.channel });
      },
    );
  }

  _unsubscribe(sub, entry) {
    if (!sub.callbacks.delete(entry) || sub.callbacks.size > 0) return;
    if (this._subs.get(sub.channel) === sub) {
      this._subs.delete(sub.channel);
      for (const w of sub.waiters.splice(0)) {
        w.reject(new PushwireError("not_subscribed", "unsubscribed before it was live"));
      }
      if (this._state === State.OPEN) {
        this._command({ op: "unsubscribe", channel: sub.channel }).catch(() => {
          // The connection closed first: the server dropped the subscription with it.
        });
      }
    }
  }

  _push(msg) {
    const sub = this._subs.get(msg.channel);
    if (!sub) return; // unsubscribed: a push already on its way
    if (sub.resyncing) return; // the resubscribe below replays it
    if (sub.epoch === msg.epoch && sub.offset !== null && msg.offset <= sub.offset) {
      return; // seen already
    }
    const skipped =
      sub.epoch !== null &&
      sub.offset !== null &&
      (sub.epoch !== msg.epoch || msg.offset > sub.offset + 1);
    if (skipped && sub.live) {
      // A push that skips offsets, or comes in another epoch, without a signal first: never
      // hide it. Subscribe again from the last offset delivered; the reply says what is lost.
      this._resync(sub);
      return;
    }
    sub.offset = msg.offset;
    sub.epoch = msg.epoch;
    const publication = {
      channel: msg.channel,
      offset: msg.offset,
      epoch: msg.epoch,
      data: msg.data,
    };
    for (const entry of [...sub.callbacks]) {
      try {
        entry.fn(msg.data, publication);
      } catch (error) {
        this._emit("error", { error, channel: msg.channel });
      }
    }
  }

  /** Ends the subscription on the server and subscribes again from the last offset delivered. */
  _resync(sub) {
    sub.live = false;
    sub.resyncing = true;
    if (this._state !== State.OPEN) return; // the reconnect resubscribes
    this._command({ op: "unsubscribe", channel: sub.channel }).catch(() => {
      // The connection closed first: the reconnect resubscribes.
    });
    this._sendSubscribe(sub);
  }

  /** The server ended a subscription: {channel, unsubscribed: {code, message, resubscribe}}. */
  _unsubscribed(msg) {
    const sub = this._subs.get(msg.channel);
    if (!sub) return;
    const u = msg.unsubscribed;
    sub.live = false;
    this._emit("unsubscribed", {
      channel: msg.channel,
      code: u.code,
      message: u.message,
      resubscribe: u.resubscribe === true,
    });
    if (u.resubscribe === true) {
      sub.resyncing = true;
      if (this._state === State.OPEN) this._sendSubscribe(sub);
    } else {
      this._subs.delete(msg.channel);
      const error = new PushwireError(u.code, u.message);
      for (const w of sub.waiters.splice(0)) w.reject(error);
      this._emit("error", { error, channel: msg.channel });
    }
  }

  // ---- commands ----------------------------------------------------------------------------

  _command(fields) {
    if (this._state === State.CLOSED) {
      return Promise.reject(new PushwireError("disconnected", "the client was closed"));
    }
    const id = this._nextId++;
    const payload = JSON.stringify({ id, ...fields });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this._settle(
            id,
            null,
            new PushwireError("timeout", fields.op + ": no reply in " + this.options.timeout + " ms"),
          ),
        this.options.timeout,
      );
      this._pending.set(id, { resolve, reject, timer, payload, sent: false });
      if (this._state === State.OPEN) {
        this._send(id);
      } else {
        this._queue.push(id);
      }
    });
  }

  _send(id) {
    const p = this._pending.get(id);
    if (p) {
      p.sent = true;
      this._ws.send(p.payload);
    }
  }

  _settle(id, result, error) {
    const p = this._pending.get(id);
    if (!p) return;
    this._pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(result);
  }

  _failAll(code, message) {
    for (const id of [...this._pending.keys()]) {
      this._settle(id, null, new PushwireError(code, message));
    }
    this._queue = [];
  }

  _message(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (error) {
      this._emit("error", { error: new PushwireError("bad_request", "not JSON: " + text) });
      return;
    }
    if (msg === null || typeof msg !== "object") return;
    if ("id" in msg) {
      if (msg.error) {
        this._settle(msg.id, null, new PushwireError(msg.error.code, msg.error.message));
      } else {
        this._settle(msg.id, msg.result, null);
      }
    } else if (typeof msg.channel === "string" && typeof msg.offset === "number") {
      this._push(msg);
    } else if (typeof msg.channel === "string" && msg.unsubscribed) {
      this._unsubscribed(msg);
    }
  }

  _emit(event, detail) {
    const set = this._listeners.get(event);
    if (!set || set.size === 0) {
      if (event === "error") {
        console.warn("pushwire:", detail.channel || "", detail.error);
      }
      return;
    }
    for (const fn of [...set]) {
      try {
        fn(detail);
      } catch (error) {
        if (event !== "error") this._emit("error", { error });
        else console.error("pushwire: an error listener threw", error);
      }
    }
  }
}

function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

export default Pushwire;
