export declare const DEFAULT_RUNS: Record<string, number>;
export declare const MAX_RUNS: number;
export declare class UsageError extends Error {}
export interface SoakFailure {
  step: string;
  index: number;
  total: number;
  status: string;
  message: string;
  actions: { action: string; message: string }[];
  output: string[];
}
export declare function parsePlainFailures(text: string): { failures: SoakFailure[]; runStatus: string | undefined };
export declare function spread(values: number[]): { median: number | null; min: number | null; max: number | null };
export declare function formatWall(ms: number | null): string;
export declare function summaryTable(results: { scenario: string; ok: boolean; wallMs: number }[]): string;
export declare function planRuns(flags?: string[], env?: string): Record<string, number>;
export declare function planParams(flags?: string[]): Record<string, string[]>;
export declare function main(argv?: string[], write?: (text: string) => void): Promise<number>;
