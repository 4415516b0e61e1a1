/**
 * CalDAV calendar-query filters (RFC 4791 §9.7): parsing into a typed AST (filterParse.ts) and
 * evaluation against a parsed calendar object (filterEval.ts).
 */
export {
  parseCalendarFilter,
  filterTimeRange,
  parseTimeRange,
  parseTextMatch,
  parseUtcDateTime,
  parseQueryTimezone,
  TIME_RANGE_COMPONENTS,
  TIME_RANGE_PROPERTIES,
  type CalendarFilter,
  type CompFilter,
  type PropFilter,
  type ParamFilter,
  type TextMatch,
  type FilterTimeRange,
} from './filterParse.js';
export { matchesFilter, propertyTexts, type FilterContext } from './filterEval.js';
