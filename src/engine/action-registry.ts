/**
 * The registry scenario actions are looked up in: every action by name, the names it replaced
 * (formerNames), and what each run's scope starts with. src/all-actions.ts fills it with every
 * area's actions; the engine reads it to load, check and run a scenario.
 */
import type { ActionDefinition, FormerName } from './action-definition.js';
import { RunScope } from './run-scope.js';

/** The registry actions are looked up in; areas add theirs at start-up. */
export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition<any>>();
  private readonly scopeSetups: ((scope: RunScope) => void)[] = [];
  private readonly former = new Map<string, { def: ActionDefinition<any>; former: FormerName }>();

  /** Something every run's scope starts with, e.g. a verifier one area plugs into another's reconciler. */
  onRunScope(setup: (scope: RunScope) => void): this {
    this.scopeSetups.push(setup);
    return this;
  }

  /** A new scope for one run, set up by every onRunScope. */
  newRunScope(): RunScope {
    const scope = new RunScope();
    for (const setup of this.scopeSetups) setup(scope);
    return scope;
  }

  register(...defs: ActionDefinition<any>[]): this {
    for (const def of defs) {
      if (this.actions.has(def.name) || this.former.has(def.name)) throw new Error(`action ${def.name} is registered twice`);
      this.actions.set(def.name, def);
      for (const f of def.formerNames ?? []) {
        if (this.actions.has(f.name) || this.former.has(f.name)) throw new Error(`action ${f.name} is registered twice (former name of ${def.name})`);
        this.former.set(f.name, { def, former: f });
      }
    }
    return this;
  }

  /** The action that replaced a former name, and how its old arguments map; undefined for any other name. */
  renamed(name: string): { def: ActionDefinition<any>; former: FormerName } | undefined {
    return this.former.get(name);
  }

  get(name: string): ActionDefinition<any> | undefined {
    return this.actions.get(name);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  all(): ActionDefinition<any>[] {
    return this.names().map((n) => this.actions.get(n)!);
  }
}
