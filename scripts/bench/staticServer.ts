import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The ceiling for an answer the gateway keeps (`npm run bench -- --static`): a Fastify server that
 * parses each POST body and replies with the gateway's own answer to it, captured beforehand, and
 * does nothing else. What the gateway spends beyond this on a kept answer is its own pipeline.
 *
 * Run by bench.ts as a child process: `node staticServer.js ANSWERS.json`, where the file maps
 * each request body (JSON text) to its answer's body and content type. Prints its URL once listening.
 */
interface Captured {
  body: string;
  contentType: string;
}

/** A request as the key of its answer: its query and variables, as the bench sends them. */
const keyOf = (body: { query?: unknown; variables?: unknown }) => JSON.stringify([body.query, body.variables ?? null]);

async function main(): Promise<void> {
  const captured = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, Captured>;
  const answers = new Map(Object.entries(captured).map(([request, answer]) => [keyOf(JSON.parse(request)), answer]));
  const app = Fastify({ logger: false });
  app.post('/graphql', async (request, reply) => {
    const answer = answers.get(keyOf(request.body as Record<string, unknown>));
    if (!answer) return reply.code(404).send({ errors: [{ message: 'no captured answer for this request' }] });
    return reply.header('content-type', answer.contentType).send(answer.body);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`${url}/graphql`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((e: unknown) => {
  console.error(`static server: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
