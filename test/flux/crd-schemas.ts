/**
 * The real Flux CRD schemas (openAPIV3Schema of the served version), cached by
 * scripts/ci/install-kube.sh from the controllers' Go modules. Outside CI a missing cache
 * skips the schema tests with a reason; under CI it is a failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { inCI } from '../helpers/peers.js';

export const CRD_DIR = process.env.OCILAB_FLUX_CRDS ?? fileURLToPath(new URL('../../.cache/flux-crds', import.meta.url));

/** The cache dir, or undefined after printing why the schema tests skip (throws under CI). */
export function crdCache(): string | undefined {
  if (existsSync(join(CRD_DIR, 'VERSIONS'))) return CRD_DIR;
  const hint = 'run `bash scripts/ci/install-kube.sh` (needs go and the Go module proxy)';
  if (inCI) throw new Error(`Flux CRDs are not cached in ${CRD_DIR} under CI=true: ${hint}`);
  console.warn(`[skip] Flux CRDs not cached in ${CRD_DIR}: schema tests are skipped (${hint})`);
  return undefined;
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: object };
}

export class CrdValidators {
  private readonly validators = new Map<string, ValidateFunction>();
  readonly versions: string;

  constructor(dir: string) {
    // OpenAPI v3 schemas with x-kubernetes-* keywords: strict off so ajv ignores them.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const crd = parse(readFileSync(join(dir, file), 'utf8')) as {
        spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
      };
      for (const v of crd.spec.versions.filter((x) => x.served)) {
        this.validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
      }
    }
    this.versions = readFileSync(join(dir, 'VERSIONS'), 'utf8').trim();
  }

  kinds(): string[] {
    return [...this.validators.keys()].sort();
  }

  /** Schema errors for the object ("" when valid); throws when no served CRD version matches. */
  errors(object: { apiVersion: string; kind: string }): string {
    const v = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!v) throw new Error(`no served CRD version for ${object.apiVersion} ${object.kind} (have: ${this.kinds().join(', ')})`);
    return v(object) ? '' : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  }
}
