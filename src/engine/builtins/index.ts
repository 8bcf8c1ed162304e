import type { ActionDefinition } from '../action-definition.js';
import { printAction } from './print.js';
import { shellAction } from './shell.js';
import { waitAction } from './wait.js';

/** The actions every scenario can use, whatever areas are registered. */
export const builtinActions: ActionDefinition<any>[] = [shellAction, waitAction, printAction];
