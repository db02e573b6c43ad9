import { ServerOptions } from 'node:http';
import { Socket } from 'node:net';
import { FastifyInstance } from 'fastify';
import ipaddr from 'ipaddr.js';
import { addressKey } from '../modules/visits/admission/visitAdmission';

/** How the gateway bounds its connections (HEADERS_TIMEOUT_MS, BODY_TIMEOUT_MS, CONNECTIONS_MAX, CONNECTIONS_PER_ADDRESS, DRAIN_TIMEOUT_MS). */
export interface ConnectionLimits {
  /** A request's headers must have arrived within this, from its first byte (or the connection's opening). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this. */
  bodyTimeoutMs: number;
  /** Open connections in all; a new one beyond is closed at once. */
  maxConnections: number;
  /** Open connections per client address (an IPv6 /64); the proxies of TRUST_PROXY are not counted. */
  maxPerAddress: number;
  /** After SIGTERM: how long requests still arriving (or answers still being read) may hold the process. */
  drainTimeoutMs: number;
}

/**
 * A real request's headers come in one packet and its body (2 MiB at most) in a few seconds, even
 * on a phone: 10 s and 30 s leave room for a bad link and cut a client that trickles its request.
 * Browsers open at most 6 connections per origin and a portal's server a pool of tens, so 256 per
 * address leaves room for an office behind one address; 10,000 in all stays well under the usual
 * open-files limit (`ulimit -n`), leaving descriptors for MySQL, Redis and new connections.
 * 10 s of drain lets every answer in flight be sent and stays under an orchestrator's usual grace
 * period (Kubernetes: 30 s).
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 10_000,
  maxPerAddress: 256,
  drainTimeoutMs: 10_000,
};

/**
 * Fastify's and Node's options for the request timeouts: Node's HTTP server answers a request that
 * has not arrived in time 408 and closes its connection. A request received in full is never cut
 * by them, however long it then runs (its own deadline bounds that: plugins/requestDeadline.ts).
 */
export function requestTimeoutOptions(limits: ConnectionLimits): { requestTimeout: number; http: ServerOptions } {
  return {
    requestTimeout: limits.bodyTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node looks for late requests every 30 s by default, which would let a 10 s timeout run 40 s.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 4)),
    },
  };
}

/** How often connections refused at a bound are logged. */
const REFUSALS_LOG_EVERY_MS = 10_000;

/**
 * Bounds the connections the server holds, so that slow or idle clients cannot take every file
 * descriptor (new requests and /healthz could then not connect): in all (Node's maxConnections) and
 * per client address. The address is the TCP peer's: behind a reverse proxy every client has the
 * proxy's, so a peer listed in TRUST_PROXY is not counted per address (the total still holds; limit
 * connections per client at the proxy).
 *
 * After app.close() (SIGTERM), requests still arriving hold the process at most `drainTimeoutMs`:
 * then every connection not waiting for its answer is closed (a request still arriving, an idle
 * one, an answer still being read). A request received in full is executed and answered whatever
 * the time, within its own deadline, so nothing accepted is lost; answers sent after the signal
 * close their connection.
 */
export function boundConnections(app: FastifyInstance, limits: ConnectionLimits, trustProxy: string[] | false): void {
  const { server } = app;
  server.maxConnections = limits.maxConnections;
  const refusals = new RefusalCount(app);
  server.on('drop', () => refusals.note('CONNECTIONS_MAX'));

  const isProxy = proxyMatcher(trustProxy);
  const perAddress = new Map<string, number>();
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    // undefined: the client has already gone.
    if (address === undefined) return;
    const key = isProxy(address) ? null : addressKey(address);
    if (key !== null) {
      const count = (perAddress.get(key) ?? 0) + 1;
      if (count > limits.maxPerAddress) {
        socket.destroy();
        refusals.note('CONNECTIONS_PER_ADDRESS');
        return;
      }
      perAddress.set(key, count);
    }
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      if (key === null) return;
      const left = perAddress.get(key)! - 1;
      if (left === 0) perAddress.delete(key);
      else perAddress.set(key, left);
    });
  });

  // Connections whose request has arrived in full and is not answered yet.
  const executing = new Set<Socket>();
  const cutAllButExecuting = () => {
    for (const socket of open) if (!executing.has(socket)) socket.destroy();
  };
  app.addHook('preValidation', (request, reply, done) => {
    const { socket } = request.raw;
    executing.add(socket);
    reply.raw.once('close', () => executing.delete(socket));
    done();
  });
  let closing = false;
  let deadlinePassed = false;
  let drainTimer: NodeJS.Timeout | undefined;
  app.addHook('onSend', (request, reply, payload, done) => {
    executing.delete(request.raw.socket);
    // Without it an answered client keeps its connection open, and the drain waits for it to go.
    if (closing) void reply.header('connection', 'close');
    // Past the deadline an answer is not waited for: it is handed to the OS (written once this
    // hook is done), then its connection closed with every other one not waiting for an answer.
    if (deadlinePassed) setImmediate(cutAllButExecuting);
    done(null, payload);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    drainTimer = setTimeout(() => {
      deadlinePassed = true;
      app.log.warn({ connections: open.size - executing.size, executing: executing.size }, 'drain deadline reached: closing connections not waiting for an answer');
      cutAllButExecuting();
    }, limits.drainTimeoutMs);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearTimeout(drainTimer);
    done();
  });
}

/** Whether a peer is one of the proxies in TRUST_PROXY (Fastify's notation: addresses, CIDRs, proxy-addr's names). */
function proxyMatcher(trustProxy: string[] | false): (peer: string) => boolean {
  if (trustProxy === false) return () => false;
  const named: Record<string, string[]> = {
    loopback: ['127.0.0.1/8', '::1/128'],
    linklocal: ['169.254.0.0/16', 'fe80::/10'],
    uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  };
  const ranges = trustProxy
    .flatMap((proxy) => named[proxy] ?? [proxy])
    .map((range): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
      if (range.includes('/')) return ipaddr.parseCIDR(range);
      const address = ipaddr.process(range);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
  return (peer) => {
    if (!ipaddr.isValid(peer)) return false;
    // A dual-stack server reports IPv4 peers as ::ffff:a.b.c.d.
    const address = ipaddr.process(peer);
    return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  };
}

/**
 * Connections refused at a bound, logged with how many since the line before, at most one line per
 * REFUSALS_LOG_EVERY_MS: a flood of refusals costs a line, not a line each.
 */
class RefusalCount {
  private counts: Record<string, number> = {};
  private loggedAt = -Infinity;

  constructor(private readonly app: FastifyInstance) {}

  note(bound: 'CONNECTIONS_MAX' | 'CONNECTIONS_PER_ADDRESS'): void {
    this.counts[bound] = (this.counts[bound] ?? 0) + 1;
    if (Date.now() - this.loggedAt < REFUSALS_LOG_EVERY_MS) return;
    this.app.log.warn({ refused: this.counts }, 'connections refused at their bounds');
    this.counts = {};
    this.loggedAt = Date.now();
  }
}
