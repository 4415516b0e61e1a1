/** The metrics of issue 4: what each measures, its unit, and which direction is better. */
export type MetricId =
  | 'put_seq'
  | 'put_conc'
  | 'propfind'
  | 'cal_multiget'
  | 'card_multiget'
  | 'cq_week'
  | 'cq_month'
  | 'aq_email'
  | 'sync_initial'
  | 'sync_delta'
  | 'get'
  | 'ifmatch'
  | 'rss'
  | 'disk_import'
  | 'disk_updates'
  | 'cal_growth'
  | 'disk_gc'
  | 'cal_growth_gc'
  | 'cold_start';

export interface MetricDef {
  id: MetricId;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** Decimals shown. */
  digits: number;
}

export const METRICS: MetricDef[] = [
  { id: 'put_seq', label: 'PUT sequential (events)', unit: 'items/s', higherIsBetter: true, digits: 1 },
  { id: 'put_conc', label: 'PUT 8 concurrent clients (vCards)', unit: 'items/s', higherIsBetter: true, digits: 1 },
  { id: 'propfind', label: 'PROPFIND Depth 1 getetag (calendar)', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'cal_multiget', label: 'calendar-multiget of 100', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'card_multiget', label: 'addressbook-multiget of 100', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'cq_week', label: 'calendar-query 1 week', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'cq_month', label: 'calendar-query 1 month', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'aq_email', label: 'addressbook-query EMAIL contains', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'sync_initial', label: 'sync-collection initial', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'sync_delta', label: 'sync-collection after 1 change', unit: 'ms', higherIsBetter: false, digits: 1 },
  { id: 'get', label: 'GET 1 item, 8 keep-alive connections', unit: 'req/s', higherIsBetter: true, digits: 0 },
  { id: 'ifmatch', label: '200 If-Match updates', unit: 'items/s', higherIsBetter: true, digits: 1 },
  { id: 'rss', label: 'server RSS after load', unit: 'MB', higherIsBetter: false, digits: 1 },
  { id: 'disk_import', label: 'calendar on disk after import', unit: 'MB', higherIsBetter: false, digits: 2 },
  { id: 'disk_updates', label: 'data dir on disk after updates', unit: 'MB', higherIsBetter: false, digits: 2 },
  { id: 'cal_growth', label: 'calendar size after updates / after import', unit: '×', higherIsBetter: false, digits: 2 },
  { id: 'disk_gc', label: 'data dir after git gc (Kalends only)', unit: 'MB', higherIsBetter: false, digits: 2 },
  { id: 'cal_growth_gc', label: 'calendar after gc / after import (Kalends only)', unit: '×', higherIsBetter: false, digits: 2 },
  { id: 'cold_start', label: 'cold start to first PROPFIND answer', unit: 'ms', higherIsBetter: false, digits: 0 },
];

export type SampleStatus = 'ok' | 'wrong' | 'timeout' | 'error' | 'skipped';

export interface Sample {
  value?: number;
  status: SampleStatus;
  /** What was wrong, or the checked count ("44 of 44"). */
  note?: string;
}

export type RepResult = Partial<Record<MetricId, Sample>>;
