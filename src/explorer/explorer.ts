import { FastifyInstance } from 'fastify';
import { registerGraphiQL } from './graphiql';
import { registerLandingPage } from './landingPage';

/**
 * The pages a person opens in a browser: the landing page at / and GraphiQL at /graphiql, which
 * works on a closed network. Apollo Sandbox (GET /graphql) is Apollo's landing page plugin, set up
 * in server.ts. GraphiQL stays on in production, unlike Sandbox: it is static files calling the
 * public API (introspection is on there too), and it loads nothing from outside.
 */
export function registerExplorer(app: FastifyInstance, options: { production: boolean }): void {
  registerLandingPage(app, options);
  registerGraphiQL(app);
}
