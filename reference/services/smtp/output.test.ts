import { describe, expect, it } from 'vitest';
import { Maps, type LookupTable } from '../../global/maps.ts';
import { HeaderBodyChecks } from '../../global/header-body-checks.ts';
import { outputContent, rewritesContent } from './output.ts';

const LIMITS = { nestingLimit: 100, boundaryLengthLimit: 2048, headerSizeLimit: 102400 };

/** A table list whose one pattern table answers lines starting with a key of `rules`. */
function table(title: string, rules: Record<string, string>): Maps {
  const t: LookupTable = { fixed: false, lookup: async (key) => Object.entries(rules).find(([k]) => key.startsWith(k))?.[1] ?? null };
  return new Maps(title, ['test:rules'], () => t);
}

const quiet = { info: () => undefined, warn: () => undefined };
const text = async (content: string, o: Parameters<typeof outputContent>[1]) => (await outputContent(Buffer.from(content, 'latin1'), o)).toString('latin1');

const MULTIPART = [
  'Subject: s', 'X-A: primary', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="B"', '',
  '--B', 'X-A: part', '', 'X-A: body line', '--B--', '',
].join('\n');

describe('outputContent', () => {
  it('sends the queue file bytes as they are when nothing is to change', async () => {
    const content = Buffer.from('Subject: s\n\nbody\n');
    expect(rewritesContent({ limits: LIMITS })).toBe(false);
    expect(await outputContent(content, { limits: LIMITS })).toBe(content);
  });

  it('hands each header to the table of its class and each body line to the body table', async () => {
    const checks = new HeaderBodyChecks({
      header: table('smtp_header_checks', { 'X-A:': 'REPLACE X-A: by header table' }),
      mime: table('smtp_mime_header_checks', { 'X-A:': 'REPLACE X-A: by mime table', 'MIME-Version:': 'IGNORE' }),
      body: table('smtp_body_checks', { 'X-A:': 'REPLACE by body table' }),
    }, 'Q', quiet);
    expect(await text(MULTIPART, { limits: LIMITS, checks })).toBe([
      'Subject: s', 'X-A: by header table', 'Content-Type: multipart/mixed; boundary="B"', '',
      '--B', 'X-A: by mime table', '', 'by body table', '--B--', '',
    ].join('\n'));
  });

  it('reads the primary headers only when just the address rewriting is on (no MIME parts)', async () => {
    const seen: string[] = [];
    const rewriteHeader = async (h: string) => {
      seen.push(h);
      return h.startsWith('X-A:') ? 'X-A: rewritten' : undefined;
    };
    expect(await text(MULTIPART, { limits: LIMITS, rewriteHeader })).toBe(MULTIPART.replace('X-A: primary', 'X-A: rewritten'));
    // not the part's X-A: (MIME headers count as MIME class, and carry no addresses anyway)
    expect(seen).toEqual(['Subject: s', 'X-A: primary']);
  });

  it('downgrades an 8-bit body to quoted-printable', async () => {
    const out = await text('Subject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\ncaf\xe9\n', { limits: LIMITS, downgrade: LIMITS });
    expect(out).toBe('Subject: s\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9\n');
  });
});
