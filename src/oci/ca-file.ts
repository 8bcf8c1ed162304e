/** Reading a CA bundle for `--ca-file`: PEM certificates only, checked before any connection. */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OciError } from './errors.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; throws a clear OciError for a missing, empty or broken file. */
export function parseCaBundle(text: string, where: string): string {
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new OciError('TLS', `${where}: no PEM certificate (-----BEGIN CERTIFICATE-----) found`);
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new OciError('TLS', `${where}: certificate ${i + 1} is not valid X.509 (${(err as Error).message})`, { cause: err });
    }
  });
  return blocks.join('\n') + '\n';
}

export async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new OciError('TLS', `--ca-file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  return parseCaBundle(text, `--ca-file ${path}`);
}
