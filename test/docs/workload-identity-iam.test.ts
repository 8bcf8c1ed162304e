/**
 * The ECR permissions the workload-identity scenario narrates are the ones the ready-to-apply
 * example (cluster/flux/workload-identity.yaml) grants: the token request
 * (ecr:GetAuthorizationToken) as well as the pull (ecr:BatchGetImage,
 * ecr:GetDownloadUrlForLayer). One list, said the same way in both places.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const ecrActions = (text: string) => [...new Set([...text.matchAll(/\becr:[A-Za-z]+/g)].map((m) => m[0]))].sort();

describe('workload-identity: ECR permissions', () => {
  it('the scenario names every ECR action the example grants, the token request included', () => {
    const example = ecrActions(readFileSync(join(root, 'cluster/flux/workload-identity.yaml'), 'utf8'));
    expect(example).toEqual(['ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer']);
    const scenario = parse(readFileSync(join(root, 'scenarios/workload-identity.yaml'), 'utf8')) as { steps: { say?: string; notes?: string }[] };
    const narrated = ecrActions(scenario.steps.map((s) => `${s.say ?? ''}\n${s.notes ?? ''}`).join('\n'));
    expect(narrated).toEqual(example);
  });
});
