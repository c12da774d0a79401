/**
 * line_wrap() (Postfix's util/line_wrap.c) as bounce(8) and smtpd(8) use it: text broken into
 * lines of at most `width` characters at blanks (space or TAB). A line is ended before the word
 * that would make it too long, and blanks at the end of every line are dropped; lines after the
 * first are indented by `indent` spaces (and get `indent` fewer characters). A word longer than
 * a line is kept whole.
 */
const BLANK = /[ \t]/;
const TRAILING_SPACE = /[ \t\n\r\f\v]+$/;

/** The index of the first blank at or after `from`, or the text's length. */
function nextBlank(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (BLANK.test(text[i]!)) return i;
  return text.length;
}

export function lineWrap(text: string, width = 79, indent = 4): string[] {
  const out: string[] = [];
  let pad = 0;
  let room = width;
  let start = 0;
  for (let word: number | undefined = 0; word !== undefined;) {
    const blank = nextBlank(text, word);
    if (word > start && blank - start > room) {
      out.push(' '.repeat(pad) + text.slice(start, word).replace(TRAILING_SPACE, ''));
      let next = word;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      if (start === 0) {
        pad += indent;
        room -= indent;
      }
      start = next;
      word = next;
    }
    word = blank < text.length ? blank + 1 : undefined;
  }
  out.push(' '.repeat(pad) + text.slice(start).replace(TRAILING_SPACE, ''));
  return out;
}
