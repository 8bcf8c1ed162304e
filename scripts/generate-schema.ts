/**
 * `npm run schema`: writes scenarios/schema.json from the zod definition and the action
 * registry, and docs/actions.md (every action: arguments, where it acts, variables it sets,
 * an example from the shipped scenarios). Tests fail when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildActionRegistry } from '../src/actions.js';
import { actionsMarkdown } from '../src/engine/action-docs.js';
import { scenarioJsonSchemaText } from '../src/engine/scenario-json-schema.js';
import { shippedScenarioSources } from './shipped-scenarios.js';

const registry = buildActionRegistry();
const schema = fileURLToPath(new URL('../scenarios/schema.json', import.meta.url));
writeFileSync(schema, scenarioJsonSchemaText(registry));
console.log(`wrote ${schema}`);
const docs = fileURLToPath(new URL('../docs/actions.md', import.meta.url));
writeFileSync(docs, actionsMarkdown(registry, shippedScenarioSources()));
console.log(`wrote ${docs}`);
