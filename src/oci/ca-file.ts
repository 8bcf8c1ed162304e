/** Reading a CA bundle for `--ca-file`: PEM certificates only, checked before any connection. */
import { X509Certificate } from 'node:crypto';
import { OciError } from './errors.js';
import { pemBlocks, readPem } from './key-pair.js';

/** The certificates of a PEM bundle; throws a clear OciError for a missing, empty or broken file. */
export function parseCaBundle(text: string, where: string): string {
  const blocks = pemBlocks(text).filter((b) => b.type === 'CERTIFICATE').map((b) => b.text);
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
  return parseCaBundle(await readPem(path, '--ca-file'), `--ca-file ${path}`);
}
