/** Regenerate src/measure/report.schema.json from the zod schema: `npx tsx scripts/measure/write-report-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportJsonSchema } from '../../src/measure/report-schema.js';

const target = fileURLToPath(new URL('../../src/measure/report.schema.json', import.meta.url));
writeFileSync(target, JSON.stringify(reportJsonSchema(), null, 2) + '\n');
console.log(`wrote ${target}`);
