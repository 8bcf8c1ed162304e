/** YAML rendering of Kubernetes objects: one document each, `---` between, stable key order. */
import { parseAllDocuments, stringify } from 'yaml';

export function toYaml(object: unknown): string {
  return stringify(object, { lineWidth: 0 });
}

export function toMultiDocYaml(objects: readonly unknown[]): string {
  return objects.map((o) => toYaml(o)).join('---\n');
}

/** Parse a multi-document YAML file into plain objects; throws with the document number on error. */
export function parseMultiDocYaml(text: string, source = 'yaml'): unknown[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value];
  });
}
