/**
 * parseMessage(): split captured message bytes (RFC 5322) into unfolded headers and a body,
 * so tests can assert on headers a mail system added or rewrote (Received, Message-ID, ...).
 */

export interface ParsedMessage {
  /** Headers in order as [name, value]; unfolded (line breaks removed, whitespace kept), trimmed at both ends. */
  headers: [string, string][];
  /** Everything after the empty line that ends the header, line endings as received. */
  body: string;
}

export function parseMessage(data: Buffer | string): ParsedMessage {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const end = /\r?\n\r?\n/.exec(text);
  const startsWithBody = /^\r?\n/.test(text);
  const headerText = startsWithBody ? '' : end ? text.slice(0, end.index) : text;
  const body = startsWithBody ? text.replace(/^\r?\n/, '') : end ? text.slice(end.index + end[0].length) : '';
  const headers: [string, string][] = [];
  for (const line of headerText.split(/\r?\n/)) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last[1] = (last[1] + line).trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers, body };
}

/** The value of the first header called `name` (case-insensitive). */
export function headerValue(msg: ParsedMessage, name: string): string | undefined {
  return msg.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}
