/**
 * Flux source objects (`source.toolkit.fluxcd.io/v1` GitRepository and OCIRepository), one
 * definition each: the zod schema below. The local reconciler validates real Flux YAML with it
 * (the parsed type, defaults applied); the builders in objects.ts and helm.ts write its input
 * type, and the kind and cluster targets apply what they build. Fields follow
 * source-controller's api/v1 types; fields the local reconciler cannot honour are accepted
 * and reported (see `unsupportedFields`), never silently dropped.
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { SOURCE_API as SOURCE_API_VERSION, type SourceKind } from './types.js';

/** Go duration as Flux writes it: "30s", "1m", "1h30m", "500ms". */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const duration = z.string().regex(DURATION, 'must be a Go duration such as 30s, 1m or 1h30m');
const dns1123 = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 name').max(253);

const metadata = z.object({
  name: dns1123,
  namespace: dns1123.default('flux-system'),
  annotations: z.record(z.string(), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
const localRef = z.object({ name: z.string() });

export const GitRepositorySchema = z.object({
  apiVersion: z.literal(SOURCE_API_VERSION),
  kind: z.literal('GitRepository'),
  metadata,
  spec: z.object({
    url: z.string().regex(/^(http|https|ssh):\/\/.*$/, 'must start with http://, https:// or ssh:// (no scp-style user@host:path)'),
    interval: duration,
    timeout: duration.default('60s'),
    ref: z
      .object({
        branch: z.string().min(1).optional(),
        tag: z.string().min(1).optional(),
        semver: z.string().optional(),
        name: z.string().optional(),
        commit: z.string().optional(),
      })
      .optional(),
    ignore: z.string().optional(),
    suspend: z.boolean().optional(),
    sparseCheckout: z.array(z.string().min(1)).optional(),
    secretRef: localRef.optional(),
    provider: z.enum(['generic', 'aws', 'azure', 'github']).optional(),
    serviceAccountName: z.string().optional(),
    proxySecretRef: localRef.optional(),
    recurseSubmodules: z.boolean().optional(),
    include: z.array(z.unknown()).optional(),
    verify: z.object({ mode: z.string().optional(), secretRef: localRef.optional() }).optional(),
  }),
});

export const OCIRepositorySchema = z.object({
  apiVersion: z.literal(SOURCE_API_VERSION),
  kind: z.literal('OCIRepository'),
  metadata,
  spec: z.object({
    url: z.string().regex(/^oci:\/\/.*$/, 'must start with oci://'),
    interval: duration,
    timeout: duration.default('60s'),
    ref: z
      .object({
        digest: z.string().optional(),
        semver: z.string().optional(),
        semverFilter: z.string().optional(),
        tag: z.string().optional(),
      })
      .optional(),
    layerSelector: z
      .object({ mediaType: z.string().optional(), operation: z.enum(['extract', 'copy']).optional() })
      .optional(),
    provider: z.enum(['generic', 'aws', 'azure', 'gcp']).optional(),
    secretRef: localRef.optional(),
    serviceAccountName: z.string().optional(),
    certSecretRef: localRef.optional(),
    proxySecretRef: localRef.optional(),
    verify: z
      .object({
        provider: z.enum(['cosign', 'notation']).default('cosign'),
        secretRef: localRef.optional(),
        matchOIDCIdentity: z.array(z.object({ issuer: z.string(), subject: z.string() })).optional(),
        trustedRootSecretRef: localRef.optional(),
      })
      .optional(),
    ignore: z.string().optional(),
    insecure: z.boolean().optional(),
    suspend: z.boolean().optional(),
  }),
});

/** A core/v1 Secret, for `spec.verify.secretRef` (e.g. `cosign.pub`) on the local target. */
export const SecretSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata,
  type: z.string().optional(),
  data: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64')).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
});
export type SecretObject = z.infer<typeof SecretSchema>;

/** Secret data as bytes (`data` base64-decoded, `stringData` on top, as the API server merges them). */
export function secretBytes(s: SecretObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(v.replace(/\s/g, ''), 'base64');
  for (const [k, v] of Object.entries(s.stringData ?? {})) out[k] = Buffer.from(v, 'utf8');
  return out;
}

/** As validated: defaults applied (metadata.namespace flux-system, spec.timeout 60s). */
export type GitRepository = z.infer<typeof GitRepositorySchema>;
export type OCIRepository = z.infer<typeof OCIRepositorySchema>;
/** As written (a manifest, a builder): what validates to the type above. */
export type GitRepositoryInput = z.input<typeof GitRepositorySchema>;
export type OCIRepositoryInput = z.input<typeof OCIRepositorySchema>;

export type SourceObject = GitRepository | OCIRepository;

export class SourceYamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceYamlError';
  }
}

/** Parse one or more YAML documents into validated Flux source objects. */
export function parseSources(text: string, origin = 'input'): SourceObject[] {
  const all = parseLocalObjects(text, origin);
  const secret = all.find((o) => o.kind === 'Secret');
  if (secret) throw new SourceYamlError(`${origin}: Secret "${secret.metadata.name}" is not a source (apply it with flux.apply, which accepts Secrets)`);
  return all as SourceObject[];
}

/** Sources plus the Secrets they reference (verify.secretRef), as one Flux YAML bundle. */
export function parseLocalObjects(text: string, origin = 'input'): (SourceObject | SecretObject)[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: (SourceObject | SecretObject)[] = [];
  docs.forEach((doc, i) => {
    const where = `${origin}, document ${i + 1}`;
    if (doc.errors.length > 0) throw new SourceYamlError(`${where}: invalid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null || value === undefined) return;
    out.push(validateLocalObject(value, where));
  });
  if (!out.some((o) => o.kind !== 'Secret')) throw new SourceYamlError(`${origin}: no GitRepository or OCIRepository found`);
  return out;
}

/** One object (already parsed from YAML or built in code) checked like a document of parseLocalObjects. */
export function validateLocalObject(value: Record<string, unknown>, where: string): SourceObject | SecretObject {
  const apiVersion = String(value.apiVersion ?? '');
  const kind = String(value.kind ?? '');
  if (kind !== 'GitRepository' && kind !== 'OCIRepository' && kind !== 'Secret') {
    throw new SourceYamlError(`${where}: kind "${kind}" is not a Flux source the local reconciler runs (GitRepository or OCIRepository)`);
  }
  if (kind !== 'Secret' && apiVersion !== SOURCE_API_VERSION) {
    throw new SourceYamlError(
      `${where}: apiVersion "${apiVersion}" — use ${SOURCE_API_VERSION} (v1beta2 was removed from the CRDs in Flux 2.8; run \`flux migrate\`)`,
    );
  }
  const schema = kind === 'GitRepository' ? GitRepositorySchema : kind === 'OCIRepository' ? OCIRepositorySchema : SecretSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((is) => `${is.path.join('.') || '(root)'}: ${is.message}`).join('; ');
    throw new SourceYamlError(`${where} (${kind}): ${issues}`);
  }
  return parsed.data as SourceObject | SecretObject;
}

/** Go duration → milliseconds. */
export function durationMs(d: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}

/** Spec fields this object sets that the local reconciler does not implement. */
export function unsupportedFields(obj: SourceObject): string[] {
  const s = obj.spec as Record<string, unknown>;
  const common = ['secretRef', 'serviceAccountName', 'proxySecretRef', 'certSecretRef'];
  const perKind =
    obj.kind === 'GitRepository' ? ['include', 'recurseSubmodules', 'verify', 'ref.semver', 'ref.commit'] : [];
  // provider: aws|azure|gcp asks the cloud's workload identity for registry credentials; there is no cloud here.
  const cloud = obj.kind === 'OCIRepository' && obj.spec.provider && obj.spec.provider !== 'generic' ? [`provider: ${obj.spec.provider}`] : [];
  return [...cloud, ...[...common, ...perKind].filter((path) => {
    const [a, b] = path.split('.') as [string, string | undefined];
    const v = b ? (s[a] as Record<string, unknown> | undefined)?.[b] : s[a];
    return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  })];
}
