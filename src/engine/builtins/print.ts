/** `print`: one line of text in the step's output (after interpolation). */
import { z } from 'zod';
import { defineAction } from '../action-definition.js';

export const printAction = defineAction({
  name: 'print',
  description: 'Print a line of text in the step output (${var} interpolated).',
  args: z.string(),
  async run(text, ctx) {
    for (const line of text.split('\n')) ctx.log(line, 'info');
    return { ok: true };
  },
});
