import { AddressInfo, connect, createServer as createTcpServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy a test can cut, to take a server (MySQL, Redis) away from the gateway without stopping
 * it for the other suites: cut() drops every connection and refuses new ones, up() serves again on
 * the same port.
 */
export class CuttableProxy {
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = createTcpServer((client) => {
      const upstream = connectUpstream(client, this.target, this.sockets);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Like the server dying: open connections drop, new ones are refused (ECONNREFUSED). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/**
 * A proxy's connection to its target for one client: both sockets kept in `sockets` while open (to
 * be destroyed when the proxy closes), and an error on either side closes both.
 */
export function connectUpstream(client: Socket, target: { host: string; port: number }, sockets: Set<Socket>): Socket {
  const upstream = connect(target);
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      client.destroy();
      upstream.destroy();
    });
  }
  return upstream;
}
