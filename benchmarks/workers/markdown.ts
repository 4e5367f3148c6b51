/**
 * Module task of the markdown scenario: one markdown-it instance per worker (made when the
 * module is first imported there); `render` turns one document into HTML 4 times and
 * returns only the total HTML length, so the small result leaves the document text (the
 * argument) as the one large message. Measures nothing by itself.
 */
import MarkdownIt from 'markdown-it';

export const RENDERS = 4;
const md = new MarkdownIt();

export function render(text: string): number {
  let n = 0;
  for (let i = 0; i < RENDERS; i++) n += md.render(text).length;
  return n;
}
