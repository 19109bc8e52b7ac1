import { hash } from 'node:crypto';

/** SHA-256 of a string's UTF-8 bytes, or of raw bytes, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
