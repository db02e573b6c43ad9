import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * `npm start` is `node dist/src/main.js` after the build; `npm test` builds first. GATEWAY_MAIN runs
 * another build instead (one compiled elsewhere while dist/ is in use).
 */
export const MAIN = process.env.GATEWAY_MAIN || join(__dirname, '..', '..', 'dist', 'src', 'main.js');

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
 * A real gateway process, as `npm start` runs it, on a free port of 127.0.0.1, not waited for: for a
 * start that must fail, or whose startup lines a test reads.
 */
export async function spawnGatewayProcess(env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
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
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    out: () => stdout,
    err: () => stderr,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * A real gateway process (spawnGatewayProcess), resolved once /healthz answers (whatever LOG_LEVEL it
 * writes); fails with what it printed if it exits or does not answer within `startMs`.
 */
export async function startGatewayProcess(env: NodeJS.ProcessEnv, { startMs = 120_000 } = {}): Promise<GatewayProcess> {
  const gateway = await spawnGatewayProcess(env);
  let gone = false;
  void gateway.exited.then(() => (gone = true));
  const deadline = Date.now() + startMs;
  for (;;) {
    if (gone) throw new Error(`the gateway exited with ${await gateway.exited} before answering:\n${gateway.out()}${gateway.err()}`);
    const healthy = await fetch(`${gateway.url}/healthz`).then((res) => res.ok, () => false);
    if (healthy) return gateway;
    if (Date.now() > deadline) {
      await gateway.stop();
      throw new Error(`the gateway did not answer /healthz within ${startMs} ms:\n${gateway.out()}${gateway.err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the process has printed `text` on stdout; fails with what it printed if it exits first or within `ms` does not. */
export async function printed(gateway: GatewayProcess, text: string, ms = 10_000): Promise<void> {
  let gone = false;
  void gateway.exited.then(() => (gone = true));
  const deadline = Date.now() + ms;
  while (!gateway.out().includes(text)) {
    if (gone || Date.now() > deadline) throw new Error(`the gateway did not print "${text}":\n${gateway.out()}${gateway.err()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
