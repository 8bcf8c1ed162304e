/** scenarios/schema.json: the JSON Schema of the scenario format, from the zod definition. */
import { z } from 'zod';
import type { ActionRegistry } from './action-registry.js';
import { scenarioSchema } from './scenario-schema.js';

export function scenarioJsonSchema(registry: ActionRegistry): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema(registry), { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'ocilab scenario' };
}

/** The committed file's exact text (2-space JSON and a final newline). */
export function scenarioJsonSchemaText(registry: ActionRegistry): string {
  return `${JSON.stringify(scenarioJsonSchema(registry), null, 2)}\n`;
}
