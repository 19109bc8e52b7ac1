import type { IncomingMessage } from 'node:http';
import { MecError } from '../../domain/errors.js';

export class BodyTooLargeError extends MecError {
  constructor(readonly limitBytes: number) {
    super('body_too_large', `the body is larger than ${limitBytes} bytes; send a smaller one`);
  }
}

/** Reads a request body, refusing (and stopping reading) once it passes `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limitBytes) return reject(new BodyTooLargeError(limitBytes));
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.destroy();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
