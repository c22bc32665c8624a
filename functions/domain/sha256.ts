import { createHash } from 'node:crypto';

/** SHA-256 in lowercase hex: the fingerprint of a document in the audit trail. */
export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
