import { createServer } from 'node:http';

/**
 * The storm's baseline: a bare Node HTTP handler that reads the body, parses it as JSON and answers 200
 * with a small JSON reply, as the webhook does at the least. Listens on PORT; /readyz answers 200.
 */
const server = createServer((request, response) => {
  if (request.url === '/readyz') {
    response.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const alerts =
      (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: unknown[] }).alerts ?? [];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received: alerts.length, duplicates: 0, unknown: 0 }));
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
