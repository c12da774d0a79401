/**
 * flush(8) for the reference MTA: fast flush of deferred mail per destination.
 *
 * Requests served (postfix-internals.md §4.3; wire names in brackets): add [add] — a delivery
 * agent deferred queue ID for site; sendSite [send_site] — smtpd's ETRN and `postqueue -s`;
 * sendFile [send_file] — `postqueue -i`; refresh [rfrsh] and purge [purge] — periodic
 * maintenance. Who calls it: smtpd (ETRN), the delivery agents' defer path, postqueue.
 * Follows flush(8): only sites matching fast_flush_domains are served (DENY otherwise); each
 * site has a log $queue_directory/flush/<site with non-alphanumerics as "_", lowercased> of
 * queue IDs, one per line. send_site first tells qmgr to forget dead destinations ("F"),
 * touches every listed file found in deferred/ (or incoming/), moves it to incoming/, empties
 * the log and then tells qmgr to scan incoming/ ("I"). refresh flushes logs not read for
 * fast_flush_refresh_time and deletes empty ones older than fast_flush_purge_time; purge
 * flushes every log. Served on $queue_directory/public/flush by serveFlush() in Postfix's
 * single-server manner: announcement, one request, one reply, close.
 */
import { appendFile, chmod, mkdir, open, readdir, stat, truncate, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { MainConfig } from '../../config/index.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import { attrGet, attrInt, attrNames, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import {
  FLUSH_REQ_ADD, FLUSH_REQ_PURGE, FLUSH_REQ_REFRESH, FLUSH_REQ_SEND_FILE, FLUSH_REQ_SEND_SITE, MAIL_ATTR_QUEUEID, MAIL_ATTR_REQ, MAIL_ATTR_SITE,
  MAIL_ATTR_STATUS,
} from '../../global/mail-proto.ts';
import { serveAttrProtocol, type RunningServer } from '../../skeleton/multi-server.ts';
import { MatchList, referenceTables } from '../../global/maps.ts';
import { allAscii } from '../../global/allascii.ts';

export const FLUSH_STAT_OK = 0;
export const FLUSH_STAT_FAIL = -1;
export const FLUSH_STAT_BAD = 3;
export const FLUSH_STAT_DENY = 4;

/** The flush client as its callers see it (in-process; the wire form is serveFlush()). */
export interface FlushClient {
  add(site: string, queueId: string): Promise<number>;
  sendSite(site: string): Promise<number>;
  sendFile(queueId: string): Promise<number>;
  refresh(): Promise<number>;
  purge(): Promise<number>;
}

export interface FlushDeps {
  config: MainConfig;
  layout: QueueLayout;
  /** qmgr triggers: "F" forget dead destinations, "I" scan incoming. */
  trigger: (request: 'F' | 'I') => void;
  /** Clock in ms (default Date.now). */
  clock?: () => number;
}

const UNTHROTTLE_BEFORE = 1;
const UNTHROTTLE_AFTER = 2;
/** The group-read bit qmgr reads as "unthrottle this message". */
const MODE_UNTHROTTLE = 0o040;
const READY = 0o700;

/** Postfix's mail_queue_id_ok: 1–255 characters, alphanumeric or "_". */
export function queueIdOk(id: string): boolean {
  return /^[A-Za-z0-9_]{1,255}$/.test(id);
}

/** flush_site_to_path: every non-alphanumeric character becomes "_", letters are lowercased. */
export function siteToPath(site: string): string {
  const ascii = site.includes('xn--') || allAscii(site) ? site : new URL(`http://${site}`).hostname;
  return ascii.replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
}

export function createFlush(deps: FlushDeps): FlushClient {
  const { config, layout } = deps;
  const clock = deps.clock ?? Date.now;
  const parentStyle = config.list('parent_domain_matches_subdomains').includes('fast_flush_domains');
  const domains = new MatchList(config.get('fast_flush_domains'), referenceTables({ config }), 'domain', parentStyle);
  const flushDir = join(layout.queueDir, 'flush');

  const eligible = async (site: string): Promise<number | undefined> => {
    if (domains.empty) return FLUSH_STAT_DENY;
    try {
      return (await domains.match(site)) ? undefined : FLUSH_STAT_DENY;
    } catch {
      return FLUSH_STAT_FAIL; // fast_flush_domains could not be matched: the client logs the failure
    }
  };

  /** Move one queue file (deferred/ first, then incoming/) with fresh time stamps; true if found. */
  const flushOne = async (id: string, how: number): Promise<boolean> => {
    const now = new Date(clock());
    for (const queue of ['deferred', 'incoming'] as const) {
      const path = layout.pathOf(queue, id);
      try {
        await utimes(path, now, now);
      } catch {
        // Not in this queue (delivered, or moved on since it was logged): look in the next one.
        if (queue === 'incoming') return false;
        continue;
      }
      if (how & UNTHROTTLE_AFTER) {
        const st = await stat(path).catch(() => undefined); // gone meanwhile: nothing to flush
        if (!st || (st.mode & READY) !== READY) return false;
        await chmod(path, (st.mode & 0o7777) | MODE_UNTHROTTLE);
      }
      // A file qmgr took meanwhile is being delivered anyway: the move is best effort, as flush_one_file's.
      if (queue === 'deferred') await layout.move(id, 'deferred', 'incoming').catch(() => undefined);
      return true;
    }
    return false;
  };

  const sendPath = async (path: string, how: number): Promise<number> => {
    if (!queueIdOk(path)) return FLUSH_STAT_BAD;
    const file = join(flushDir, path);
    let handle;
    try {
      handle = await open(file, 'r+');
    } catch {
      return FLUSH_STAT_OK; // no log: nothing was deferred for this site
    }
    let count = 0;
    try {
      if (how & UNTHROTTLE_BEFORE) deps.trigger('F');
      const seen = new Set<string>();
      const lines = (await handle.readFile('utf8')).split('\n').filter(Boolean);
      for (const id of lines) {
        count++;
        if (!queueIdOk(id) || seen.has(id)) continue;
        seen.add(id);
        if (await flushOne(id, how)) count++;
      }
      if (count > 0) await truncate(file, 0);
    } finally {
      await handle.close();
    }
    const now = new Date(clock());
    await utimes(file, now, now).catch(() => undefined); // best effort: it only dates the log's last flush
    if (count > 0) deps.trigger('I');
    return FLUSH_STAT_OK;
  };

  const refreshAll = async (maxAgeSec: number): Promise<number> => {
    const purgeSec = config.time('fast_flush_purge_time');
    const names = await readdir(flushDir).catch(() => [] as string[]); // no flush/ yet: no logs
    for (const name of names) {
      if (!queueIdOk(name)) continue;
      const st = await stat(join(flushDir, name)).catch(() => undefined); // removed meanwhile
      if (!st) continue;
      const now = clock();
      if (st.size === 0) {
        if (st.mtimeMs + purgeSec * 1000 < now) await unlink(join(flushDir, name)).catch(() => undefined); // best effort: an empty log
      } else if (maxAgeSec === 0 || st.atimeMs + maxAgeSec * 1000 < now) {
        // purge (maxAgeSec 0) flushes every non-empty log, however recently it was read.
        await sendPath(name, 0);
      }
    }
    return FLUSH_STAT_OK;
  };

  return {
    async add(site, queueId) {
      const no = await eligible(site);
      if (no !== undefined) return no;
      const path = siteToPath(site);
      if (!queueIdOk(path)) return FLUSH_STAT_BAD;
      await mkdir(flushDir, { recursive: true });
      await appendFile(join(flushDir, path), `${queueId}\n`, { mode: 0o600 });
      return FLUSH_STAT_OK;
    },
    async sendSite(site) {
      const no = await eligible(site);
      if (no !== undefined) return no;
      return sendPath(siteToPath(site), UNTHROTTLE_BEFORE);
    },
    async sendFile(queueId) {
      if (!queueIdOk(queueId)) return FLUSH_STAT_BAD;
      if (await flushOne(queueId, UNTHROTTLE_AFTER)) deps.trigger('I');
      return FLUSH_STAT_OK;
    },
    refresh: () => refreshAll(config.time('fast_flush_refresh_time')),
    purge: () => refreshAll(0),
  };
}

/** The attributes each request must carry, in this order. */
const ADD_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_SITE, MAIL_ATTR_QUEUEID].join(',');
const SEND_SITE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_SITE].join(',');
const SEND_FILE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_QUEUEID].join(',');
const BARE_REQUEST = MAIL_ATTR_REQ;

/** One flush request list → reply list (null: no reply, as flush(8) gives an unknown request). */
export async function flushRequest(flush: FlushClient, request: AttrList): Promise<AttrList | null> {
  const names = attrNames(request);
  const get = (n: string) => attrGet(request, n)!;
  const status = (n: number): AttrList => [[MAIL_ATTR_STATUS, attrInt(n)]];
  switch (get(MAIL_ATTR_REQ)) {
    case FLUSH_REQ_ADD:
      return names === ADD_REQUEST ? status(await flush.add(get(MAIL_ATTR_SITE), get(MAIL_ATTR_QUEUEID))) : null;
    case FLUSH_REQ_SEND_SITE:
      return names === SEND_SITE_REQUEST ? status(await flush.sendSite(get(MAIL_ATTR_SITE))) : null;
    case FLUSH_REQ_SEND_FILE:
      return names === SEND_FILE_REQUEST ? status(await flush.sendFile(get(MAIL_ATTR_QUEUEID))) : null;
    case FLUSH_REQ_REFRESH:
      if (names !== BARE_REQUEST) return null;
      void flush.refresh(); // flush(8) answers first, then does the work
      return status(FLUSH_STAT_OK);
    case FLUSH_REQ_PURGE:
      if (names !== BARE_REQUEST) return null;
      void flush.purge();
      return status(FLUSH_STAT_OK);
    default:
      return null;
  }
}

/** Serve flush on a Unix socket (public/flush): one request per connection, then close. */
export function serveFlush(path: string, flush: FlushClient): Promise<RunningServer> {
  return serveAttrProtocol(path, {
    protocol: PROTOCOL_NAMES.flush,
    async handle(request, conn) {
      const reply = await flushRequest(flush, request);
      if (reply) setImmediate(() => conn.end());
      return reply;
    },
  });
}
