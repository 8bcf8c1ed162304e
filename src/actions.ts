/**
 * The action registry of the app: the engine's builtins plus every area's actions.
 * An area exposes `export const <area>Actions: ActionDefinition<any>[]` from
 * `src/<area>/actions.ts`; the integrator adds one import and one spread below,
 * then runs `npm run schema` so scenarios/schema.json knows the new actions.
 */
import { ActionRegistry } from './engine/action.js';
import { builtinActions } from './engine/builtins/index.js';
import { cosignActions } from './cosign/actions.js';
import { cosignSourceVerifier } from './cosign/source-verifier.js';
import { gitActions } from './git/actions.js';
import { measureActions } from './measure/actions.js';
import { ociActions } from './oci/actions.js';
import { sourceVerifiers } from './reconcile/run-reconciler.js';
import { registryActions } from './registry/actions.js';
import { workshopActions } from './workshop/actions.js';
import { targetsActions } from './targets/actions.js';
import { helmActions } from './helm/actions.js';

export function buildActionRegistry(): ActionRegistry {
  const registry = new ActionRegistry().register(
    ...builtinActions,
    ...registryActions,
    ...ociActions,
    ...gitActions,
    ...cosignActions,
    ...workshopActions,
    ...measureActions,
    ...targetsActions,
    ...helmActions,
  );
  // OCIRepository spec.verify on the local target goes through ocilab's cosign verifier, in every run.
  return registry.onRunScope((scope) => scope.get(sourceVerifiers).push(cosignSourceVerifier));
}
