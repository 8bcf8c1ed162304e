/**
 * Projector-friendly theme: high contrast, and every status is a symbol first and a colour
 * second, so nothing is lost with NO_COLOR, on a washed-out projector or for colour-blind
 * readers. Colour is decided once here (chalk 5 does not read NO_COLOR itself).
 */
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
 * For a washed-out projector (and light or dark terminals alike), derived from the default
 * palette: text in the terminal's own foreground, emphasis by bold; no grey, no dim, no
 * yellow, cyan or bright white (they vanish when the projector washes colours out or the
 * background is light). Colour stays only on what a symbol or word also says (status marks,
 * warnings, errors, stderr), each the darker shade of the default's (PROJECTOR_SHADE). The
 * frame is capped and centred (src/ui/layout.ts frameBox).
 */
function projectorTheme(color: boolean): Theme {
  const base = defaultTheme(color);
  const status = Object.fromEntries(
    Object.entries(base.status).map(([name, style]) => [name, { mark: style.mark, word: style.word, ...shaded(style.color) }]),
  ) as Theme['status'];
  return { name: 'projector', color, status, ...pick(base, ['warn', 'error', 'stderr']) };
}

/** The default's colours as the projector shows them; undefined: the terminal's foreground. */
export const PROJECTOR_SHADE: Readonly<Record<string, string | undefined>> = {
  gray: undefined,
  whiteBright: undefined,
  cyanBright: 'blue',
  greenBright: 'green',
  redBright: 'red',
  yellowBright: 'magenta',
  yellow: 'magenta',
  magentaBright: 'magenta',
  cyan: 'blue',
};

function shaded(colour: string | undefined): { color?: string } {
  const shade = colour === undefined ? undefined : PROJECTOR_SHADE[colour];
  return shade === undefined ? {} : { color: shade };
}

/** The projector keeps only these roles' colours (shaded); the others fall to the foreground. */
function pick(base: Theme, roles: ('warn' | 'error' | 'stderr')[]): Partial<Theme> {
  return Object.fromEntries(roles.flatMap((role) => Object.entries(shaded(base[role])).map(([, c]) => [role, c])));
}
