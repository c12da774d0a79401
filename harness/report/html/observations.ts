/**
 * Reads a ScenarioResult's `observations` (typed `unknown` in results.json) defensively for the
 * HTML report: the normalised maillog events, the SMTP transcripts, the raw maillog, the
 * capture peers' connection times, and the configuration the scenario ran with (added by run-config.ts through toRunResult). Anything
 * missing or malformed reads as empty, so a partial result (a scenario that errored early, an
 * older results.json) still renders.
 */
import type { MaillogEvent } from '../../observe/events.ts';

export interface TranscriptView {
  name: string;
  lines: { dir: 'C' | 'S'; text: string }[];
}

/** The configuration a scenario ran with, as recorded in its observations. */
export interface ConfigView {
  /** main.cf parameters the scenario set (on top of the harness's base). */
  main: Record<string, string>;
  /** The whole master.cf the target was given, one line per entry line. */
  master: string[];
  /** Names of the map files shipped with the scenario. */
  maps: string[];
}

/** One connection a capture peer saw: when it opened and closed (ms since the epoch). */
export interface ConnectionView {
  openedAt: number;
  closedAt?: number;
}

export interface ObservationView {
  events: MaillogEvent[];
  transcripts: TranscriptView[];
  maillog: string;
  config?: ConfigView;
  /** Each capture peer's connections, by peer name. */
  sinks: Record<string, ConnectionView[]>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEvent(v: unknown): v is MaillogEvent {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.service === 'string';
}

function readTranscript(v: unknown): TranscriptView | undefined {
  if (!isRecord(v) || !Array.isArray(v.lines)) return undefined;
  const lines = v.lines
    .filter((l): l is { dir: 'C' | 'S'; text: string } => isRecord(l) && (l.dir === 'C' || l.dir === 'S') && typeof l.text === 'string')
    .map((l) => ({ dir: l.dir, text: l.text }));
  return { name: typeof v.name === 'string' ? v.name : 'smtp session', lines };
}

function readConfig(v: unknown): ConfigView | undefined {
  if (!isRecord(v)) return undefined;
  const main: Record<string, string> = {};
  if (isRecord(v.main)) for (const [k, val] of Object.entries(v.main)) if (typeof val === 'string') main[k] = val;
  const strings = (a: unknown) => (Array.isArray(a) ? a.filter((s): s is string => typeof s === 'string') : []);
  return { main, master: strings(v.master), maps: strings(v.maps) };
}

function readSinks(v: unknown): Record<string, ConnectionView[]> {
  const out: Record<string, ConnectionView[]> = {};
  if (!isRecord(v)) return out;
  for (const [name, conns] of Object.entries(v)) {
    if (!Array.isArray(conns)) continue;
    out[name] = conns
      .filter((c): c is { openedAt: number; closedAt?: unknown } => isRecord(c) && typeof c.openedAt === 'number')
      .map((c) => (typeof c.closedAt === 'number' ? { openedAt: c.openedAt, closedAt: c.closedAt } : { openedAt: c.openedAt }));
  }
  return out;
}

export function readObservations(observations: unknown): ObservationView {
  if (!isRecord(observations)) return { events: [], transcripts: [], maillog: '', sinks: {} };
  const events = Array.isArray(observations.events) ? observations.events.filter(isEvent) : [];
  const transcripts = Array.isArray(observations.transcripts)
    ? observations.transcripts.map(readTranscript).filter((t): t is TranscriptView => t !== undefined)
    : [];
  const maillog = typeof observations.maillog === 'string' ? observations.maillog : '';
  const config = readConfig(observations.config);
  const sinks = readSinks(observations.sinks);
  return config ? { events, transcripts, maillog, config, sinks } : { events, transcripts, maillog, sinks };
}
