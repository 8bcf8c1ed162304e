/** `npm run schema`: writes scenarios/schema.json from the zod definition and the action registry. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildActionRegistry } from '../src/actions.js';
import { scenarioJsonSchemaText } from '../src/engine/scenario-json-schema.js';

const target = fileURLToPath(new URL('../scenarios/schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText(buildActionRegistry()));
console.log(`wrote ${target}`);
