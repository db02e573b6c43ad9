import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** `npm start` is `node dist/src/main.js` after the build; `npm test` builds first. */
export const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** SIGTERM, then the exit code (at once when it has exited already). */
  stop(): Promise<number | null>;
}

/**
 * A real gateway process, as `npm start` runs it, on a free port of 127.0.0.1; resolves once
 * /healthz answers (whatever LOG_LEVEL it writes), and fails with what it printed if it exits or
 * does not answer within `startMs`.
 */
export async function startGatewayProcess(env: NodeJS.ProcessEnv, { startMs = 30_000 } = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const gateway: GatewayProcess = {
    child,
    port,
    url,
    exited,
    out: () => stdout,
    err: () => stderr,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
  const deadline = Date.now() + startMs;
  for (;;) {
    if (gone) throw new Error(`the gateway exited with ${await exited} before answering:\n${stdout}${stderr}`);
    const healthy = await fetch(`${url}/healthz`).then((res) => res.ok, () => false);
    if (healthy) return gateway;
    if (Date.now() > deadline) {
      await gateway.stop();
      throw new Error(`the gateway did not answer /healthz within ${startMs} ms:\n${stdout}${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
