/**
 * The theme as React context for the Ink app; the palettes themselves (default, and
 * projector derived from it) are in ./palette.ts, which the notes screen uses without React.
 */
import { createContext, useContext } from 'react';
import { colorWanted, createTheme, type Theme } from './palette.js';

export * from './palette.js';

export const ThemeContext = createContext<Theme>(createTheme(colorWanted()));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
