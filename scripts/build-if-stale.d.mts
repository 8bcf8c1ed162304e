export declare const repoRoot: string;
export declare const builtCli: string;
export declare function isStale(): boolean;
export declare function buildIfStale(options?: { quiet?: boolean }): boolean;
