import { AddressInfo, createServer as createTcpServer, Server, Socket } from 'node:net';
import { connectUpstream } from './cuttableProxy';

/** COM_QUERY, the MySQL protocol's command byte for a text statement. */
const COM_QUERY = 0x03;

/**
 * A TCP proxy in front of MySQL that can lose the answer to a COMMIT, for real: once armed, the
 * next connection that sends COMMIT has it delivered, and when MySQL answers (the transaction is
 * then committed) the answer is thrown away and both sides of that connection are closed. The
 * client sees its connection drop while waiting for the COMMIT's answer, not knowing whether it
 * was applied; other connections go through untouched.
 *
 * It reads only the client's packets (4-byte header: 3-byte length, sequence number), which is
 * enough for unencrypted, uncompressed connections such as the tests' own.
 */
export class CommitAnswerProxy {
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private armed: { lost: () => void; statement: RegExp } | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createTcpServer((client) => this.serve(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Loses the answer to the next COMMIT of a transaction that ran a statement matching `statement`;
   * resolves once it has been lost (MySQL committed, the client was cut).
   */
  loseNextCommitAnswer(statement: RegExp): Promise<void> {
    if (this.armed) throw new Error('already waiting to lose a COMMIT answer');
    return new Promise((resolve) => (this.armed = { lost: resolve, statement }));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private serve(client: Socket): void {
    const upstream = connectUpstream(client, this.target, this.sockets);
    let pending = Buffer.alloc(0);
    /** Whether the connection's open transaction ran the statement the proxy waits for. */
    let ranStatement = false;
    /** Set once this connection's COMMIT went through while armed: its answer is the one to lose. */
    let lose: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUIntLE(0, 3);
        if (pending.length < 4 + length) break;
        const payload = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        if (payload[0] !== COM_QUERY || lose) continue;
        const sql = payload.subarray(1).toString('utf8').trim();
        if (/^(COMMIT|ROLLBACK)$/i.test(sql)) {
          if (this.armed && ranStatement && /^COMMIT$/i.test(sql)) {
            lose = this.armed.lost;
            this.armed = null;
          }
          ranStatement = false;
        } else if (this.armed?.statement.test(sql)) {
          ranStatement = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (lose) {
        // MySQL has answered the COMMIT, so it is applied; the client never hears so.
        client.destroy();
        upstream.destroy();
        lose();
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  }
}
