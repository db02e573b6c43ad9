import { createPortal } from './portal';

/**
 * `npm run portal`: the reference portal on PORTAL_PORT (default 4001), reading the gateway at
 * LIENTHONG_URL (default http://127.0.0.1:4000/graphql). Readers' browsers send their visits to
 * LIENTHONG_PUBLIC_URL (default LIENTHONG_URL), whose gateway must list this portal's origin in
 * CORS_ORIGINS.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const port = Number(env.PORTAL_PORT?.trim() || '4001');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORTAL_PORT must be a port number, got ${JSON.stringify(env.PORTAL_PORT)}`);
  const portal = await createPortal({
    gatewayUrl: env.LIENTHONG_URL?.trim() || 'http://127.0.0.1:4000/graphql',
    publicGatewayUrl: env.LIENTHONG_PUBLIC_URL?.trim() || undefined,
    logger: { level: 'info' },
  });
  const stop = () => void portal.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await portal.listen({ port, host: '0.0.0.0' });
  portal.log.info(`reference portal: http://localhost:${port}/14620 (Xã Phát Diệm on the demo data)`);
}

main(process.env).catch((error: Error) => {
  console.error(`portal: ${error.message}`);
  process.exit(1);
});
