/**
 * The names a scenario and `ocilab run` use, in a module without the schema (zod) or the YAML
 * parser, so that `ocilab run --help` and `ocilab doctor` do not load them.
 */
export const TARGETS = ['local', 'kind', 'cluster'] as const;
export const MODES = ['present', 'workshop', 'tour'] as const;

/** Shipped scenario ids, with the scenario `ocilab` opens with no arguments first. */
export const DEFAULT_SCENARIOS = ['git-vs-oci', 'onboarding', 'hello'];

/** A step's action lists, in the order a file usually writes them. */
export const ACTION_LISTS = ['run', 'check', 'solve'] as const;
