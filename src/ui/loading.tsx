/**
 * The loading frame of `ocilab run <scenario>` on a terminal, drawn by Ink as soon as it is
 * loaded (taking over the lines src/ui/early-frame.ts wrote before) and before the action registry, the scenario and the target (the Kubernetes client for kind and
 * cluster) are: the speaker sees the app start instead of a blank terminal. renderApp later
 * renders the run UI into the same Ink instance (Ink keeps one instance per stdout), so the
 * options here are renderApp's.
 */
import { Box, render, Text } from 'ink';
import { LOADING_MESSAGE } from './loading-text.js';

export interface LoadingOptions {
  color: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export interface LoadingFrame {
  /** Erases the frame and gives the terminal back (before an error message, or a plain exit). */
  close(): void;
}

export function LoadingView({ scenario, color }: { scenario: string; color: boolean }) {
  return (
    <Box flexDirection="column">
      <Text bold={color}>{scenario}</Text>
      <Text dimColor={color}>{LOADING_MESSAGE}</Text>
    </Box>
  );
}

/** Draws the loading frame; undefined when stdin is not a terminal (renderApp says why). */
export function renderLoading(scenario: string, opts: LoadingOptions): LoadingFrame | undefined {
  const stdin = opts.stdin ?? process.stdin;
  if (!stdin.isTTY) return undefined;
  const instance = render(<LoadingView scenario={scenario} color={opts.color} />, {
    stdin,
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  return {
    close() {
      instance.clear();
      instance.unmount();
    },
  };
}
