/**
 * The action registry of the app: the engine's builtins plus every area's actions.
 * An area exposes `export const <area>Actions: ActionDefinition<any>[]` from
 * `src/<area>/actions.ts`; the integrator adds one import and one spread below,
 * then runs `npm run schema` so scenarios/schema.json knows the new actions.
 */
import { ActionRegistry } from './engine/action.js';
import { builtinActions } from './engine/builtins/index.js';
import { registryActions } from './registry/actions.js';
import { targetsActions } from './targets/actions.js';

export function buildActionRegistry(): ActionRegistry {
  return new ActionRegistry().register(
    ...builtinActions,
    ...registryActions,
    ...targetsActions,
    // ...registryActions, ...gitActions, ...ociActions, ...cosignActions, ...measureActions, ...kubeActions,
  );
}
