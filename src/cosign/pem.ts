/**
 * Strict PEM reading for key files: exactly one block, a known label, a clean base64 body.
 * A file cut short (no END line, odd base64) is reported as truncated, not "bad password".
 */
import { CosignError } from './errors.js';

export interface PemBlock {
  label: string;
  der: Buffer;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/;

export function decodePem(text: string, source: string, labels: readonly string[]): PemBlock {
  const begin = BEGIN.exec(text);
  if (!begin) {
    throw new CosignError(
      text.trim() === '' ? 'KEY_FILE_TRUNCATED' : 'KEY_FILE_MALFORMED',
      text.trim() === ''
        ? `${source} is empty`
        : `${source} is not a PEM file (no "-----BEGIN ...-----" line)`,
    );
  }
  const label = begin[1]!;
  if (!labels.includes(label)) {
    throw new CosignError(
      'KEY_FILE_MALFORMED',
      `${source} holds a "${label}" block; expected ${labels.map((l) => `"${l}"`).join(' or ')}`,
    );
  }
  const endMarker = `-----END ${label}-----`;
  const start = begin.index + begin[0].length;
  const end = text.indexOf(endMarker, start);
  if (end < 0) {
    throw new CosignError('KEY_FILE_TRUNCATED', `${source} is truncated: no "${endMarker}" line`);
  }
  const body = text.slice(start, end);
  if (/^[A-Za-z-]+:/m.test(body)) {
    throw new CosignError('KEY_FILE_MALFORMED', `${source}: PEM headers are not supported`);
  }
  const b64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
    throw new CosignError('KEY_FILE_TRUNCATED', `${source} is truncated or corrupt: its base64 body does not decode`);
  }
  return { label, der: Buffer.from(b64, 'base64') };
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
