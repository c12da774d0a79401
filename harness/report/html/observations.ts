/**
 * Reads a ScenarioResult's `observations` (typed `unknown` in results.json) defensively for the
 * HTML report: the normalised maillog events, the SMTP transcripts, the raw maillog, and the
 * configuration the scenario ran with (added by run-config.ts through toRunResult). Anything
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

export interface ObservationView {
  events: MaillogEvent[];
  transcripts: TranscriptView[];
  maillog: string;
  config?: ConfigView;
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

export function readObservations(observations: unknown): ObservationView {
  if (!isRecord(observations)) return { events: [], transcripts: [], maillog: '' };
  const events = Array.isArray(observations.events) ? observations.events.filter(isEvent) : [];
  const transcripts = Array.isArray(observations.transcripts)
    ? observations.transcripts.map(readTranscript).filter((t): t is TranscriptView => t !== undefined)
    : [];
  const maillog = typeof observations.maillog === 'string' ? observations.maillog : '';
  const config = readConfig(observations.config);
  return config ? { events, transcripts, maillog, config } : { events, transcripts, maillog };
}
