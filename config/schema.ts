// The configuration schema. Every rule says what is allowed, so a start-up
// error can name the key, the value and the rule.
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import { singleLine } from '../bot/domain/plain-text.js';
import { LOCALES, ROLES } from '../bot/domain/types.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'allowed: lowercase letters, digits and "-", at most 40 characters');

const timeZone = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), 'allowed: an IANA time zone such as "Europe/Helsinki"');

// Names are shown in cards, e-mails and calendar invites.
const name = () => singleLine(z.string().min(1), 'allowed: one line without control or text-direction characters');

const locale = z.enum(LOCALES, { errorMap: () => ({ message: `allowed: ${LOCALES.join(', ')}` }) });

const email = z.string().email('allowed: an e-mail address such as "office@example.fi"');

const threshold = z
  .object({ green: z.number(), yellow: z.number(), higherIsBetter: z.boolean() })
  .strict()
  .refine((t) => (t.higherIsBetter ? t.green >= t.yellow : t.green <= t.yellow), {
    message: 'allowed: green at or beyond yellow in the better direction (higherIsBetter says which)',
  });

const officeNameText = name().max(120);

const officeNameRule = 'allowed: a name of 1 to 120 characters, or names per language such as { "fi": "…", "sv": "…", "en": "…" }';

const officeName = z.union(
  [officeNameText, z.object({ fi: officeNameText.optional(), sv: officeNameText.optional(), en: officeNameText.optional() }).strict(officeNameRule)],
  { errorMap: () => ({ message: officeNameRule }) },
);

const person = z
  .object({
    aadObjectId: z.string().uuid('allowed: an Entra ID (AAD) object id, a GUID').optional(),
    email: email.optional(),
    role: z.enum(ROLES, { errorMap: () => ({ message: `allowed: ${ROLES.join(', ')}` }) }),
    office: id.optional(),
  })
  .strict()
  .refine((p) => p.aadObjectId || p.email, { message: 'allowed: a person needs aadObjectId or email' });

const positiveInt = (max: number) =>
  z.number().int(`allowed: a whole number from 0 to ${max}`).min(0, `allowed: 0 to ${max}`).max(max, `allowed: 0 to ${max}`);

/** A limit of things at once: 0 would stop all sending. */
const countFrom1 = (max: number) =>
  z
    .number({ invalid_type_error: `allowed: a whole number from 1 to ${max}` })
    .int(`allowed: a whole number from 1 to ${max}`)
    .min(1, `allowed: a whole number from 1 to ${max}`)
    .max(max, `allowed: a whole number from 1 to ${max}`);

export const configSchema = z
  .object({
    defaultOffice: id,
    offices: z
      .array(
        z
          .object({ id, name: officeName, timeZone, locale, email })
          .strict()
          .refine((o) => typeof o.name === 'string' || o.name[o.locale] !== undefined, (o) => ({
            path: ['name'],
            message: `allowed: names per language must include the office's language "${o.locale}"`,
          })),
      )
      .min(1, 'allowed: at least one office'),
    segments: z
      .array(
        z
          .object({
            id,
            name: z.object({ fi: name(), sv: name(), en: name() }).strict(),
          })
          .strict(),
      )
      .min(1, 'allowed: at least one segment'),
    people: z.array(person),
    digest: z
      .object({
        // Five fields: the scheduler runs each job once per minute across instances, so a seconds field could not be honoured.
        cron: z
          .string()
          .refine((c) => cron.validate(c) && c.trim().split(/\s+/).length === 5, 'allowed: a five-field cron expression (minute hour day month weekday) such as "0 8 * * 1"'),
        timeZone,
        period: z.enum(['week', 'month', 'quarter'], { errorMap: () => ({ message: 'allowed: week, month, quarter' }) }),
        emails: z.array(email),
      })
      .strict(),
    thresholds: z
      .object({
        responseRate: threshold,
        attendanceRate: threshold,
        averageRating: threshold,
        positiveShare: threshold,
        criticalShare: threshold,
      })
      .strict(),
    feedback: z
      .object({
        reminderAfterDays: positiveInt(60),
        maxReminders: positiveInt(10),
        anonymityMinimum: positiveInt(50),
      })
      .strict(),
    invites: z
      .object({ reminderBeforeHours: positiveInt(24 * 14), alsoEmailTeamsUsers: z.boolean() })
      .strict(),
    links: z.object({ expireAfterDays: positiveInt(3650), partnerPageDays: positiveInt(3650) }).strict(),
    sending: z
      .object({ teamsConcurrency: countFrom1(50), teamsPerSecond: countFrom1(50), smtpMaxConcurrent: countFrom1(20) })
      .strict(),
    retention: z.object({ personalDataDays: positiveInt(36500), auditDays: positiveInt(36500) }).strict(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const officeIds = cfg.offices.map((o) => o.id);
    const check = (ids: string[], path: (string | number)[], what: string) => {
      ids.forEach((value, i) => {
        if (ids.indexOf(value) !== i) ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `allowed: unique ${what} ids` });
      });
    };
    check(officeIds, ['offices'], 'office');
    check(cfg.segments.map((s) => s.id), ['segments'], 'segment');
    if (!officeIds.includes(cfg.defaultOffice)) {
      ctx.addIssue({ code: 'custom', path: ['defaultOffice'], message: `allowed: one of the office ids ${officeIds.join(', ')}` });
    }
    cfg.people.forEach((p, i) => {
      if (p.office && !officeIds.includes(p.office)) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'office'], message: `allowed: one of the office ids ${officeIds.join(', ')}` });
      }
      if (p.role === 'coordinator' && !p.office) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'office'], message: 'allowed: a coordinator needs an office id' });
      }
    });
  });

export type FileConfig = z.infer<typeof configSchema>;
