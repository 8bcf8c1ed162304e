/**
 * What one run keeps between its steps: the registry it started, its Git servers, its
 * reconciler, its target. Each piece is a typed slot, declared by the area that owns it
 * (`scopeSlot('git servers', () => new GitServers())` in src/git/running.ts); the engine knows
 * no slot. The runner makes one scope per run, hands it to every action as `ctx.scope`, and
 * drops it when the run's cleanup registry unwinds (end, failure, Ctrl-C).
 *
 * A slot's value is made on first use in a scope, so two runs in one process never share
 * one: state an action keeps lives here, never in a module-level map.
 */
export interface ScopeSlot<T> {
  /** For people: what the slot holds. */
  readonly name: string;
  /** Makes the slot's value for a scope on first use; may read other slots of that scope. */
  readonly create: (scope: RunScope) => T;
}

/** Declares a slot: a typed key, made once per scope by `create`. */
export function scopeSlot<T>(name: string, create: (scope: RunScope) => T): ScopeSlot<T> {
  return { name, create };
}

export class RunScope {
  private readonly values = new Map<ScopeSlot<unknown>, unknown>();

  /** The slot's value in this scope, made on first use. */
  get<T>(slot: ScopeSlot<T>): T {
    if (this.values.has(slot)) return this.values.get(slot) as T;
    const value = slot.create(this);
    this.values.set(slot, value);
    return value;
  }

  /** True when the slot has a value in this scope (get would not make one). */
  has(slot: ScopeSlot<unknown>): boolean {
    return this.values.has(slot);
  }

  /**
   * Forget every value. The resources behind them (servers, reconciler) registered their own
   * stops with the run's cleanup registry, which unwinds them before it calls this.
   */
  dispose(): void {
    this.values.clear();
  }
}
