import { z } from 'zod';
import type { AppointmentText } from './appointments.js';
import type { AppointmentMessage } from './appointments.i18n.js';
import { holidayRegions, minutesOfDay, slotGrids, type OpeningInterval } from './slots.js';

const m = (message: AppointmentMessage) => ({ error: message });
const text = (max: number) => z.string().trim().max(max, m('tooLong'));
const required = (max: number, message: AppointmentMessage) => text(max).min(1, m(message));
/** A whole number typed into a form, within bounds (German and English digits are the same). */
const count = (min: number, max: number, message: AppointmentMessage) =>
  z.string().trim().min(1, m(message)).regex(/^\d{1,5}$/, m(message)).transform(Number).pipe(z.number().min(min, m(message)).max(max, m(message)));

/** The letters a location's tickets may start with. */
export const ticketLetters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('') as [string, ...string[]];

const clock = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const normalise = (time: string) => {
  const [, h, min] = clock.exec(time)!;
  return `${h!.padStart(2, '0')}:${min}`;
};

/** A location's details, as the form sends them (lead time in hours). */
export const locationSchema = z.object({
  name: required(120, 'nameRequired'),
  address: required(300, 'addressRequired'),
  accessibility: text(1000),
  department: z.string().trim().min(1, m('departmentRequired')),
  horizonDays: count(1, 365, 'horizonInvalid'),
  leadHours: count(0, 336, 'leadInvalid'),
  slotMinutes: z.string().transform(Number).pipe(z.union(slotGrids.map((g) => z.literal(g)), m('slotInvalid'))),
  holidayRegion: z.enum(holidayRegions, m('regionInvalid')),
  ticketLetter: z.enum(ticketLetters, m('letterInvalid')),
  // Empty: new days open at midnight; else the time of day they are released (batch release).
  releaseTime: z.string().trim().refine((v) => v === '' || clock.test(v), m('releaseTimeInvalid')).transform((v) => (v === '' ? null : normalise(v))),
  contactRetentionDays: count(1, 365, 'retentionInvalid'),
});
/** The location form's fields as typed. */
export type LocationForm = Record<keyof z.input<typeof locationSchema>, string>;

/** A new counter. */
export const resourceSchema = z.object({ counterName: required(80, 'counterNameRequired') });

/** A service offered at a location and how long it takes. */
export const offerSchema = z.object({
  offerService: z.string().trim().min(1, m('serviceRequired')),
  offerMinutes: count(5, 240, 'minutesInvalid'),
  offerExtraMinutes: count(0, 240, 'extraMinutesInvalid'),
  offerMaxPersons: count(1, 10, 'maxPersonsInvalid'),
});
export type OfferInput = z.input<typeof offerSchema>;

/**
 * A weekday's opening hours as typed: intervals separated by commas, e.g. "08:00–12:00,
 * 13:00–16:00" (the gap is the lunch break); empty means closed. Times as 8:00, 08:00 or 8.00.
 */
export function parseDayHours(typed: string): { ok: true; intervals: Array<{ opens: string; closes: string }> } | { ok: false; message: AppointmentMessage } {
  const parts = typed.split(',').map((p) => p.trim()).filter(Boolean);
  const intervals: Array<{ opens: string; closes: string }> = [];
  for (const part of parts) {
    const [from, to, ...rest] = part.split(/\s*(?:-|–|—|bis|to)\s*/i);
    if (!from || !to || rest.length > 0 || !clock.test(from) || !clock.test(to)) return { ok: false, message: 'hoursFormat' };
    const interval = { opens: normalise(from), closes: normalise(to) };
    if (minutesOfDay(interval.opens) >= minutesOfDay(interval.closes)) return { ok: false, message: 'hoursOrder' };
    intervals.push(interval);
  }
  intervals.sort((a, b) => minutesOfDay(a.opens) - minutesOfDay(b.opens));
  for (let i = 1; i < intervals.length; i++) {
    if (minutesOfDay(intervals[i]!.opens) < minutesOfDay(intervals[i - 1]!.closes)) return { ok: false, message: 'hoursOverlap' };
  }
  return { ok: true, intervals };
}

/** The form field of a weekday's opening hours (1 = Monday). */
export const hoursField = (weekday: number) => `hours${weekday}`;

/** The week's opening hours from the seven weekday fields, or a message per field. */
export function parseWeekHours(form: Record<string, string>): { ok: true; intervals: OpeningInterval[] } | { ok: false; errors: Record<string, AppointmentText> } {
  const intervals: OpeningInterval[] = [];
  const errors: Record<string, AppointmentText> = {};
  for (let weekday = 1; weekday <= 7; weekday++) {
    const day = parseDayHours((form[hoursField(weekday)] ?? '').slice(0, 300));
    if (day.ok) intervals.push(...day.intervals.map((i) => ({ weekday, ...i })));
    else errors[hoursField(weekday)] = day.message;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, intervals };
}

/** The typed form of a weekday's intervals, as the hours field shows them. */
export function formatDayHours(intervals: readonly { opens: string; closes: string }[]): string {
  return intervals.map((i) => `${i.opens.slice(0, 5)}–${i.closes.slice(0, 5)}`).join(', ');
}

// A day as an ISO date (what a date input sends) or as Germans write it (what a text input gets).
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const germanDate = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** 'YYYY-MM-DD' of a typed day that exists in the calendar, or undefined. */
export function parseDay(typed: string): string | undefined {
  const iso = isoDate.exec(typed.trim());
  const german = germanDate.exec(typed.trim());
  const [y, mo, d] = iso ? [iso[1]!, iso[2]!, iso[3]!] : german ? [german[3]!, german[2]!.padStart(2, '0'), german[1]!.padStart(2, '0')] : [];
  if (!y || !mo || !d) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const day = `${y}-${mo}-${d}`;
  return date.toISOString().slice(0, 10) === day ? day : undefined;
}

const day = (message: AppointmentMessage) => z.string().transform((v, ctx) => parseDay(v) ?? (ctx.addIssue({ code: 'custom', message }), z.NEVER));

/** Days a location is closed besides the public holidays. */
export const closureSchema = z.object({
  closureFirst: day('dayInvalid'),
  closureLast: day('dayInvalid'),
  closureReason: text(200),
}).refine((v) => v.closureFirst <= v.closureLast, { path: ['closureLast'], error: 'closureOrder' });

/** Parses input; on failure, the first problem of each field as a message key. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.output<S> } | { ok: false; errors: Record<string, AppointmentText> } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, AppointmentText> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message as AppointmentMessage;
  }
  return { ok: false, errors };
}
