/**
 * The data set for one N: events and contacts drawn from fixed seeds, their bytes, the query
 * windows and the items each workload step touches. Same N and seed → same bytes everywhere.
 */
import { Prng } from '../prng.js';
import { cardText, drawCard, type CardModel } from './cards.js';
import { drawEvent, eventText, type EventModel } from './events.js';

export interface TimeRange {
  /** Absolute UTC milliseconds, start inclusive, end exclusive (RFC 4791 §9.9). */
  start: number;
  end: number;
  label: string;
}

/**
 * The query windows straddle the 2026 spring DST change (29 March), so a server that gets Paris
 * recurrences wrong by an hour shows it. Boundaries at 12:00 UTC: an all-day (floating) event's
 * match does not depend on which zone a server applies to floating dates (RFC 4791 says UTC when
 * no calendar-timezone is set; any zone within ±11 h gives the same answer here).
 */
export const WEEK: TimeRange = { start: Date.UTC(2026, 2, 25, 12), end: Date.UTC(2026, 3, 1, 12), label: 'week' };
export const MONTH: TimeRange = { start: Date.UTC(2026, 2, 16, 12), end: Date.UTC(2026, 3, 16, 12), label: 'month' };

export interface Item {
  name: string;
  uid: string;
  body: Buffer;
}

export interface Dataset {
  n: number;
  seed: number;
  events: EventModel[];
  cards: CardModel[];
  eventItems: Item[];
  cardItems: Item[];
  /** 100 (or all, when fewer) names for each multiget, spread over the collection. */
  eventMultiget: string[];
  cardMultiget: string[];
  /** The event changed between the two sync-collection reports. */
  syncChange: number;
  /** The event fetched by the GET load. */
  getTarget: number;
  /** Events updated with If-Match (never the sync one). */
  updates: number[];
}

/** `k` distinct indices in [0, n) spread evenly, never `skip`. */
function spread(n: number, k: number, skip = -1): number[] {
  const pool = Array.from({ length: n }, (_, i) => i).filter((i) => i !== skip);
  const want = Math.min(k, pool.length);
  return Array.from({ length: want }, (_, i) => pool[Math.floor((i * pool.length) / want)]!);
}

export function generateDataset(n: number, seed = 20250101): Dataset {
  if (!Number.isInteger(n) || n < 10) throw new Error(`N must be an integer >= 10, not ${n}`);
  const er = new Prng(seed);
  const cr = new Prng(seed ^ 0x5bd1e995);
  const events = Array.from({ length: n }, () => drawEvent(er));
  const cards = Array.from({ length: n }, () => drawCard(cr));
  for (const [kind, list] of [['event', events], ['card', cards]] as const) {
    const uids = new Set(list.map((x) => x.uid));
    if (uids.size !== list.length) throw new Error(`duplicate ${kind} UID drawn; change the seed`);
  }
  const eventItems = events.map((e) => ({ name: e.name, uid: e.uid, body: Buffer.from(eventText(e), 'utf8') }));
  const cardItems = cards.map((c) => ({ name: c.name, uid: c.uid, body: Buffer.from(cardText(c), 'utf8') }));
  const syncChange = 1;
  return {
    n,
    seed,
    events,
    cards,
    eventItems,
    cardItems,
    eventMultiget: spread(n, 100).map((i) => events[i]!.name),
    cardMultiget: spread(n, 100).map((i) => cards[i]!.name),
    syncChange,
    getTarget: Math.floor(n / 2),
    updates: spread(n, 200, syncChange),
  };
}
