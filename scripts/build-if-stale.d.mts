export declare const repoRoot: string;
export declare const builtCli: string;
export declare function isStale(): boolean;
export declare function withLock<T>(dir: string, fn: () => T, options?: { staleMs?: number; waitMs?: number; pollMs?: number }): T;
export declare function replaceAtomically(dir: string, compile: (staging: string) => void): void;
export declare function buildIfStale(options?: { quiet?: boolean; force?: boolean }): boolean;
