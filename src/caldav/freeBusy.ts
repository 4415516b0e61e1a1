// free-busy-query (RFC 4791 §7.10) and CALDAV:limit-freebusy-set (§9.6.7).
//
// Busy time comes from VEVENT instances and VFREEBUSY components only. VEVENT: TRANSP:TRANSPARENT
// and STATUS:CANCELLED are free; STATUS:TENTATIVE is BUSY-TENTATIVE; anything else (CONFIRMED,
// none, x-name) is BUSY. VFREEBUSY: each FREEBUSY period keeps its FBTYPE (default BUSY; FREE is
// dropped; unknown types count as BUSY, RFC 5545 §3.2.9). Periods are clipped to the range;
// zero-length ones (instantaneous events) are not busy time.
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { instancesOf, recurrenceSets, type IterationLimits } from './recurrence.js';
import { instanceOverlaps, instanceSpan } from './timeRangeTables.js';
import type { TimezoneResolver } from './timezones.js';
import { contextFor, propValues, toMs } from './timezonesValues.js';

export type FreeBusyType = 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';
export interface FreeBusyPeriod {
  start: Date;
  end: Date;
  type: FreeBusyType;
}
export interface UtcRange {
  start: Date;
  end: Date;
}

function upper(v: unknown): string {
  return typeof v === 'string' ? v.trim().toUpperCase() : '';
}

/** Busy periods of one calendar object within the range, clipped to it (not merged; see mergeFreeBusy). */
export function freeBusyPeriods(vcalendar: ICAL.Component, range: UtcRange, tz: TimezoneResolver, limits: IterationLimits = {}): FreeBusyPeriod[] {
  const ctx = contextFor(tz);
  const rs = range.start.getTime();
  const re = range.end.getTime();
  const out: FreeBusyPeriod[] = [];
  const push = (s: number, e: number, type: FreeBusyType): void => {
    const a = Math.max(s, rs);
    const b = Math.min(e, re);
    if (b > a) out.push({ start: new Date(a), end: new Date(b), type });
  };
  for (const set of recurrenceSets(vcalendar, 'vevent')) {
    for (const inst of instancesOf(set, ctx, { from: rs, to: re }, limits)) {
      const c = inst.component;
      if (upper(c.getFirstPropertyValue('transp')) === 'TRANSPARENT') continue;
      const status = upper(c.getFirstPropertyValue('status'));
      if (status === 'CANCELLED') continue;
      if (!instanceOverlaps(inst, rs, re, ctx)) continue;
      const span = instanceSpan(inst, ctx);
      if (span) push(span.start, span.end, status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY');
    }
  }
  for (const fb of vcalendar.getAllSubcomponents('vfreebusy')) {
    for (const p of fb.getAllProperties('freebusy')) {
      const t = upper(p.getParameter('fbtype')) || 'BUSY';
      if (t === 'FREE') continue;
      const type: FreeBusyType = t === 'BUSY-TENTATIVE' || t === 'BUSY-UNAVAILABLE' ? t : 'BUSY';
      for (const v of propValues(p, ctx)) if (v.end !== null) push(toMs(v.start), v.end, type);
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Overlapping or touching periods of the same type joined; sorted by start, then type. */
export function mergeFreeBusy(periods: readonly FreeBusyPeriod[]): FreeBusyPeriod[] {
  const out: FreeBusyPeriod[] = [];
  const types: FreeBusyType[] = ['BUSY', 'BUSY-TENTATIVE', 'BUSY-UNAVAILABLE'];
  for (const type of types) {
    const list = periods.filter((p) => p.type === type).sort((a, b) => a.start.getTime() - b.start.getTime());
    let cur: FreeBusyPeriod | null = null;
    for (const p of list) {
      if (cur && p.start.getTime() <= cur.end.getTime()) {
        if (p.end.getTime() > cur.end.getTime()) cur.end = new Date(p.end.getTime());
      } else {
        cur = { start: new Date(p.start.getTime()), end: new Date(p.end.getTime()), type };
        out.push(cur);
      }
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || types.indexOf(a.type) - types.indexOf(b.type));
}

function utcText(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface RenderFreeBusyOptions {
  dtstamp?: Date;
  uid?: string;
  prodid?: string;
}

/**
 * The free-busy-query response body: a VCALENDAR with one VFREEBUSY whose DTSTART/DTEND are the
 * range, and one FREEBUSY per merged period in UTC (FBTYPE omitted for BUSY, its default, as in
 * RFC 4791's example). Lines end with CRLF.
 */
export function renderFreeBusy(periods: readonly FreeBusyPeriod[], range: UtcRange, opts: RenderFreeBusyOptions = {}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${opts.prodid ?? '-//Kalends//CalDAV Server//EN'}`,
    'BEGIN:VFREEBUSY',
    `UID:${opts.uid ?? randomUUID()}`,
    `DTSTAMP:${utcText(opts.dtstamp ?? new Date())}`,
    `DTSTART:${utcText(range.start)}`,
    `DTEND:${utcText(range.end)}`,
  ];
  for (const p of mergeFreeBusy(periods)) {
    const param = p.type === 'BUSY' ? '' : `;FBTYPE=${p.type}`;
    lines.push(`FREEBUSY${param}:${utcText(p.start)}/${utcText(p.end)}`);
  }
  lines.push('END:VFREEBUSY', 'END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

/**
 * CALDAV:limit-freebusy-set: a copy of the object whose VFREEBUSY components keep only the
 * FREEBUSY periods overlapping the range (start < period end AND end > period start); a
 * FREEBUSY property left without periods is removed.
 */
export function limitFreeBusySet(vcalendar: ICAL.Component, range: UtcRange, tz: TimezoneResolver): ICAL.Component {
  const ctx = contextFor(tz);
  const rs = range.start.getTime();
  const re = range.end.getTime();
  const out = new ICAL.Component(structuredClone(vcalendar.jCal) as [string, unknown[], unknown[]]);
  for (const fb of out.getAllSubcomponents('vfreebusy')) {
    for (const p of fb.getAllProperties('freebusy')) {
      const values = p.getValues();
      const parsed = propValues(p, ctx);
      const kept = values.filter((_, i) => {
        const v = parsed[i];
        if (!v) return false;
        const s = toMs(v.start);
        return rs < (v.end ?? s) && re > s;
      });
      if (kept.length === 0) fb.removeProperty(p);
      else if (kept.length !== values.length) p.setValues(kept);
    }
  }
  return out;
}
