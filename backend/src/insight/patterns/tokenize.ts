/**
 * Splits a line on runs of whitespace. A hand-written scan: it runs once per mined line,
 * and a regex split allocates more and is several times slower on short lines.
 */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    if (isSpace(line.charCodeAt(i))) {
      if (start >= 0) tokens.push(line.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) tokens.push(line.slice(start));
  return tokens;
}

/** Space, tab, line breaks, vertical tab, form feed and the no-break space. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160;
}

/** Hoisted: a regex literal is a new object each time it is evaluated, and this runs once per line. */
const LINE_BREAK = /[\r\n]/;

/** A message up to its first line break: a multi-line entry's statement, without what it attached. */
export function firstLine(message: string): string {
  const text = message.trimStart();
  const end = text.search(LINE_BREAK);
  return end < 0 ? text : text.slice(0, end);
}
