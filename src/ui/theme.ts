/**
 * Projector-friendly theme: high contrast, and every status is a symbol first and a colour
 * second, so nothing is lost with NO_COLOR, on a washed-out projector or for colour-blind
 * readers. Colour is decided once here (chalk 5 does not read NO_COLOR itself).
 */
import { createContext, useContext } from 'react';
import type { StepStatus } from '../engine/events.js';

export interface StatusStyle {
  mark: string;
  /** Word for screen readers and the help overlay legend. */
  word: string;
  color?: string;
}

export type ThemeName = 'default' | 'projector';
export const THEMES: readonly ThemeName[] = ['default', 'projector'];

export interface Theme {
  name: ThemeName;
  color: boolean;
  status: Record<StepStatus, StatusStyle>;
  accent?: string;
  heading?: string;
  code?: string;
  muted?: string;
  warn?: string;
  error?: string;
  stderr?: string;
  info?: string;
  key?: string;
}

/** NO_COLOR (non-empty) turns colour off; FORCE_COLOR, when set, wins over it (chalk's rule). */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

export function createTheme(color: boolean, name: ThemeName = 'default'): Theme {
  return name === 'projector' ? projectorTheme(color) : defaultTheme(color);
}

function defaultTheme(color: boolean): Theme {
  const c = (name: string): string | undefined => (color ? name : undefined);
  return {
    name: 'default',
    color,
    status: {
      pending: { mark: '·', word: 'pending', color: c('gray') },
      running: { mark: '▶', word: 'running', color: c('cyanBright') },
      passed: { mark: '✓', word: 'passed', color: c('greenBright') },
      failed: { mark: '✗', word: 'failed', color: c('redBright') },
      skipped: { mark: '↷', word: 'skipped', color: c('yellowBright') },
      interrupted: { mark: '‖', word: 'interrupted', color: c('magentaBright') },
    },
    accent: c('cyanBright'),
    heading: c('whiteBright'),
    code: c('yellowBright'),
    muted: c('gray'),
    warn: c('yellowBright'),
    error: c('redBright'),
    stderr: c('yellow'),
    info: c('cyan'),
    key: c('cyanBright'),
  };
}

/**
 * For a washed-out projector (and light or dark terminals alike): text in the terminal's
 * own foreground, emphasis by bold; no grey, no dim, no yellow, cyan or bright white (they
 * vanish when the projector washes colours out or the background is light). Colour stays
 * only on what a symbol or word also says (status marks, errors), in the darker ANSI
 * shades. The frame is capped and centred (src/ui/layout.ts frameBox).
 */
function projectorTheme(color: boolean): Theme {
  const c = (name: string): string | undefined => (color ? name : undefined);
  return {
    name: 'projector',
    color,
    status: {
      pending: { mark: '·', word: 'pending' },
      running: { mark: '▶', word: 'running', color: c('blue') },
      passed: { mark: '✓', word: 'passed', color: c('green') },
      failed: { mark: '✗', word: 'failed', color: c('red') },
      skipped: { mark: '↷', word: 'skipped', color: c('magenta') },
      interrupted: { mark: '‖', word: 'interrupted', color: c('magenta') },
    },
    warn: c('red'),
    error: c('red'),
    stderr: c('magenta'),
  };
}

export const ThemeContext = createContext<Theme>(createTheme(colorWanted()));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
