/** A campaign's reminder policy as the request gives it, refused field by field in French; the policy itself is domain/reminder-policy.ts. */
import * as z from 'zod';
import { DEFAULT_REMINDER_POLICY, MIN_DAYS_BEFORE_DEADLINE } from '../../domain/reminder-policy.ts';

const days = (what: string) => z.number().int({ error: `${what} doit être un nombre entier de jours.` });
/** Days before a deadline: the domain's minimum, or the reminder would go out on the deadline itself (or after, the day being a holiday). */
const daysBeforeList = (what: string, deadline: string) =>
  z.array(
    days(what).min(MIN_DAYS_BEFORE_DEADLINE, {
      error: `${what} doit partir au moins ${MIN_DAYS_BEFORE_DEADLINE} jour avant ${deadline} : à 0 jour, il partirait le jour même de l'échéance, trop tard pour agir. Indiquez ${MIN_DAYS_BEFORE_DEADLINE} ou plus.`,
    }),
  );

/** The reminder policy as a campaign setting: every field optional, the defaults of issue 5 otherwise. */
export const reminderPolicySchema = z.object({
  unsignedFirstAfterDays: days('Le premier rappel').min(1).default(DEFAULT_REMINDER_POLICY.unsignedFirstAfterDays),
  unsignedEveryDays: days("L'intervalle entre deux rappels").min(1).default(DEFAULT_REMINDER_POLICY.unsignedEveryDays),
  unsignedMax: days('Le nombre de rappels').min(0).default(DEFAULT_REMINDER_POLICY.unsignedMax),
  avenantNoticesDaysBefore: daysBeforeList('Un rappel avant le 15 octobre', 'le 15 octobre').default(() => [...DEFAULT_REMINDER_POLICY.avenantNoticesDaysBefore]),
  avenantWindowOpenNotice: z.boolean().default(DEFAULT_REMINDER_POLICY.avenantWindowOpenNotice),
  endDateNoticesDaysBefore: daysBeforeList("Un rappel avant la fin de la convention", 'la date de fin de la convention').default(() => [...DEFAULT_REMINDER_POLICY.endDateNoticesDaysBefore]),
});
