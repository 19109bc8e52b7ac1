import { createServer } from 'node:net';
import { MecError } from '../domain/errors.js';

/** Asks the kernel for a free TCP port on 127.0.0.1. The port is released before it is returned. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new MecError('invariant_violated', 'could not read the port the kernel assigned'));
      });
    });
  });
}
