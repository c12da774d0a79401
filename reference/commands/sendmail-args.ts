/**
 * sendmail(1)'s command line, as src/sendmail/sendmail.c reads it: getopt with Postfix's option
 * list (stopping at the first non-option), the first pass that only looks for -C, and the
 * second that reads everything — with the old -V spellings of -XV, and the usage errors that
 * end the command ("fatal: ..." + exit 75). Used by ./sendmail.ts.
 */
import { dirname, resolve } from 'node:path';
import { DEL_REQ_FLAG_USR_VRFY } from '../global/deliver-request.ts';
import { dsnNotifyMask } from '../global/dsn-mask.ts';

export const GETOPT_LIST = 'A:B:C:F:GIL:N:O:R:UV:X:b:ce:f:h:imno:p:r:q:tvx';

/** A fatal error: "sendmail: fatal: <message>", exit 75. */
export class Fatal extends Error {}

/** getopt(3) with a leading "+": options stop at the first non-option argument. */
export function* getopt(argv: string[], spec: string, err: (m: string) => void): Generator<{ opt: string; arg?: string } | { rest: string[] }> {
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = spec.indexOf(c);
      if (c === ':' || at < 0) {
        err(`invalid option -- '${c}'`);
        yield { opt: '?' };
        continue;
      }
      if (spec[at + 1] !== ':') {
        yield { opt: c };
        continue;
      }
      let arg = a.slice(j + 1);
      if (!arg) {
        if (i + 1 >= argv.length) {
          err(`option requires an argument -- '${c}'`);
          yield { opt: '?' };
          break;
        }
        arg = argv[++i];
      }
      yield { opt: c, arg };
      break;
    }
  }
  yield { rest: argv.slice(i) };
}

export interface Options {
  configDir: string;
  sender?: string;
  fullName?: string;
  context: 'local' | 'remote';
  encoding?: string;
  notify: number;
  extract: boolean;
  dotEnds: boolean;
  traceFlags: number;
  ret: number;
  envid?: string;
  verp?: string;
  mode: 'enqueue' | 'mailq' | 'flush';
  recipients: string[];
}


export function parseOptions(argv: string[], env: Record<string, string | undefined>, getoptErr: (m: string) => void, err: (m: string) => void): Options {
  const o: Options = {
    configDir: env.MAIL_CONFIG ?? '/etc/postfix', context: 'local', notify: 0, extract: false, dotEnds: true,
    traceFlags: 0, ret: 0, mode: 'enqueue', recipients: [],
  };
  let usage = false;
  // "-q" alone is not getopt-compatible; "-V xy" and "-Vxy" are the old spellings of -XV
  // (as in sendmail.c, "-V xy" becomes "-XV" and "xy" stays where it is).
  const args = argv.map((a, k) => {
    if (a === '-q') return '-q0';
    if (a === '-V' && argv[k + 1]?.length === 2) {
      err('warning: option -V is deprecated with Postfix 2.3; specify -XV instead');
      return '-XV';
    }
    if (/^-V..$/.test(a)) {
      err(`warning: option ${a} is deprecated with Postfix 2.3; specify -X${a.slice(1)} instead`);
      return `-X${a.slice(1)}`;
    }
    return a;
  });
  for (const r of getopt(args, GETOPT_LIST, getoptErr)) {
    if ('rest' in r) {
      o.recipients = r.rest;
      break;
    }
    const { opt, arg = '' } = r;
    switch (opt) {
      case '?': usage = true; break;
      case 'C': o.configDir = arg.endsWith('/main.cf') ? dirname(arg) : arg; break;
      case 'n': throw new Fatal(`-n option not supported`);
      case 'B':
        if (arg === '8BITMIME') o.encoding = '8bit';
        else if (arg === '7BIT') o.encoding = '7bit';
        else throw new Fatal('-B option needs 8BITMIME or 7BIT');
        break;
      case 'F': o.fullName = arg; break;
      case 'G': o.context = 'remote'; break;
      case 'N': {
        o.notify = dsnNotifyMask(arg.split(/[\s,]+/).filter(Boolean));
        if (!o.notify) err('warning: bad -N option value -- ignored');
        break;
      }
      case 'X': {
        if (arg[0] !== 'V') throw new Fatal(`unsupported: -X${arg[0] ?? ''}`);
        const delims = arg.slice(1) || '+=';
        if (delims.length !== 2 || [...delims].some((c) => !'-=+'.includes(c))) throw new Fatal('-V requires two characters from -=+');
        o.verp = delims;
        break;
      }
      case 'R':
        o.ret = ({ full: 1, hdrs: 2 } as Record<string, number>)[arg.toLowerCase()] ?? 0;
        if (!o.ret) err('warning: bad -R option value -- ignored');
        break;
      case 'V':
        if (arg.length > 100) err('warning: too long -V option value -- ignored');
        else if (!/^[\x20-\x7e]*$/.test(arg)) err('warning: bad syntax in -V option value -- ignored');
        else o.envid = arg;
        break;
      case 'b':
        if (arg[0] === 'v') o.traceFlags |= DEL_REQ_FLAG_USR_VRFY;
        else if (arg[0] === 'p') o.mode = 'mailq';
        else if (arg[0] !== 'm') throw new Fatal(`unsupported: -b${arg[0] ?? ''}`);
        break;
      case 'f': case 'r': o.sender = arg; break;
      case 'i': o.dotEnds = false; break;
      case 'o': if (arg[0] === 'i') o.dotEnds = false; break;
      case 'q':
        if (/^\d/.test(arg)) o.mode = 'flush';
        else throw new Fatal(`-q${arg[0] ?? ''} is not implemented`);
        break;
      case 't': o.extract = true; break;
      default: break; // accepted and ignored, as sendmail does
    }
  }
  if (usage) throw new Fatal('usage: sendmail [options]');
  if (o.extract && o.mode !== 'enqueue') throw new Fatal('-t can be used only in delivery mode');
  if (o.traceFlags & DEL_REQ_FLAG_USR_VRFY) {
    if (o.extract) throw new Fatal('-t option cannot be used with -bv');
    if (o.notify) throw new Fatal('-N option cannot be used with -bv');
    if (o.ret) throw new Fatal('-R option cannot be used with -bv');
  }
  o.configDir = resolve(o.configDir);
  return o;
}

/** sendmail's first option pass: only -C counts (getopt still complains). */
export function configDirOf(argv: string[], env: Record<string, string | undefined>, getoptErr: (m: string) => void): string {
  let dir = env.MAIL_CONFIG ?? '/etc/postfix';
  for (const r of getopt(argv.map((a) => (a === '-q' ? '-q0' : a)), GETOPT_LIST, getoptErr)) {
    if ('rest' in r) break;
    if (r.opt === 'C' && r.arg) dir = r.arg;
  }
  return resolve(dir.endsWith('/main.cf') ? dirname(dir) : dir);
}
