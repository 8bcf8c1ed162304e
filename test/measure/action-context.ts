/** An ActionContext for measure.compare tests (the shared one: what it reported and logged is collected), and the action. */
import { measureActions } from '../../src/measure/actions.js';
import { actionContext } from '../helpers/action-context.js';

export const measureContext = (workDir: string) => actionContext(workDir);

export const measureCompare = measureActions.find((a) => a.name === 'measure.compare')!;
