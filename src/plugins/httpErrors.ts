import { maxHeaderSize, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A GraphQL-shaped error body (GraphQL over HTTP), for answers given before or beside Apollo. */
function errorBody(message: string, extensions: Record<string, unknown>) {
  return { errors: [{ message, extensions }] };
}

/**
 * Answers what fails before GraphQL (invalid JSON, an unsupported content type, a body over
 * BODY_LIMIT, a method or path we do not serve) with a GraphQL-shaped body, as the contract
 * promises for every error, keeping the HTTP status Fastify chose. A caller's mistake (4xx) is
 * BAD_REQUEST with Fastify's message, which describes the request; anything else is ours: logged
 * in full, masked for the caller as Apollo's formatError masks it (src/plugins/errorMasking.ts).
 */
export function answerHttpErrorsAsGraphQL(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status < 500) {
      const message = status === 415 ? `${error.message}: send Content-Type: application/json` : error.message;
      return reply.code(status).send(errorBody(message, { code: 'BAD_REQUEST' }));
    }
    request.log.error({ err: error, requestId: request.id }, 'internal error outside GraphQL');
    return reply.code(status).send(errorBody('Internal server error', { code: 'INTERNAL_SERVER_ERROR', requestId: request.id }));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    // /graphql exists: a PUT or DELETE there is a method it does not take (GraphQL over HTTP: 405).
    if (path === '/graphql') {
      return reply
        .code(405)
        .header('allow', 'GET, POST')
        .send(errorBody(`${request.method} is not a GraphQL over HTTP method: send GET (queries) or POST`, { code: 'BAD_REQUEST' }));
    }
    return reply.code(404).send(errorBody(`no ${request.method} ${path} here: GraphQL is served at /graphql`, { code: 'BAD_REQUEST' }));
  });
}

/**
 * Fastify's clientErrorHandler: what Node's HTTP parser refuses before Fastify sees a request is
 * answered GraphQL-shaped too, with Node's status, and the connection closed as Node would. Most
 * often a GET whose query string takes the URL and headers over Node's limit (16 KiB): 431, telling
 * the caller to POST the query or send its hash (automatic persisted queries). Also a request that
 * did not arrive in time (408, plugins/connections.ts) and one that is not HTTP at all (400).
 */
export function answerClientErrorAsGraphQL(error: Error & { code?: string }, socket: Socket): void {
  // The client is gone: there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `the request line and headers are over ${maxHeaderSize} bytes: send a long query by POST, or its hash (automatic persisted queries)`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, 'the request is not valid HTTP'];
  if (socket.writable) {
    const body = JSON.stringify(errorBody(message, { code: 'BAD_REQUEST' }));
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
