import { createServer } from 'node:net';

// Below the kernel's ephemeral range (32768-60999 on Linux, 49152-65535 on macOS).
const LOWEST = 20_000;
const PORTS = 12_000;

/** Ports this process handed out; a child's port may be taken again only by a later run. */
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // No host, as main.ts listens: every address.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port for a child process to listen on once it has started, which can take seconds. A port
 * from the ephemeral range, as `listen(0)` gives, may meanwhile be handed to another test's server;
 * this one is taken from below that range, where no `listen(0)` lands.
 */
export async function childPort(): Promise<number> {
  for (;;) {
    const port = LOWEST + Math.floor(Math.random() * PORTS);
    // A port handed out is free until its child listens on it: never hand it out again meanwhile.
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
}
