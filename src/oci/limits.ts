/**
 * Limits on pulled archives, shared by the extractor (extract.ts) and the pull that picks its
 * path (remote.ts) without loading the extractor and node-tar first.
 */
/** Cap on the bytes an artifact unpacks to: 100 MiB, Flux's default. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 100_000;
/**
 * Archives (and OCI layers) up to this size are read whole and take the in-memory path; larger
 * ones are streamed. Most Flux artifacts are a few KiB.
 */
export const WHOLE_READ_MAX_BYTES = 4 * 1024 * 1024;
