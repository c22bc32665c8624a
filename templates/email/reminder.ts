/**
 * The reminder email: one per mayor and per day, whatever falls due (signature,
 * avenant window, avenant deadline, end date), each part saying what and by when,
 * with the mayor's link, the rectorat's contact and an .ics for the deadlines.
 */
import type { Convention } from '../../functions/domain/model.ts';
import type { ReminderKind } from '../../functions/domain/reminder-policy.ts';
import { formatEuros, formatFrenchDate, formatParisDateTime, typeset } from '../format/french.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import { calendarFile, type CalendarDeadline } from './ics.ts';
import { emailFrame } from './frame.ts';

export interface ReminderPart {
  kind: ReminderKind;
  convention: Convention;
  signingUrl: string;
  /** The avenant deadline (15 October) for avenant parts. */
  avenantDeadline?: string;
  /** For calendar UIDs: the reminder's idempotency key. */
  key: string;
}

const LATE_RULE =
  "Après le 15 octobre, une baisse du nombre d'écoles n'est pas prise en compte (la facturation se fait sur le nombre de l'année précédente) et une hausse est refusée (les nouvelles écoles ne sont pas activées).";

interface Rendered {
  subject: string;
  title: string;
  paragraphs: string[];
  deadline?: { date: string; summary: string };
}

function render(part: ReminderPart): Rendered {
  const { convention } = part;
  const commune = convention.commune.name;
  switch (part.kind) {
    case 'unsigned': {
      const expires = convention.link ? formatParisDateTime(convention.link.expiresAt) : '';
      const expiryDate = convention.link?.expiresAt.slice(0, 10);
      return {
        subject: `Rappel : convention ENT-École ${convention.schoolYear} à signer – commune de ${commune}`,
        title: `La convention ENT-École ${convention.schoolYear} attend votre signature`,
        paragraphs: [
          `La convention de la commune de ${commune} (${convention.schoolYear}, ${convention.schools.length} école(s), ${formatEuros(convention.amountCents)} TTC) n'est pas encore signée.`,
          `Le lien de ce courriel est valable jusqu'au ${expires} ; ceux de vos courriels précédents restent valables jusqu'à la date qu'ils indiquent.`,
        ],
        ...(expiryDate ? { deadline: { date: expiryDate, summary: `Signer la convention ENT-École ${convention.schoolYear} (${commune})` } } : {}),
      };
    }
    case 'avenant-window-open':
    case 'avenant-deadline': {
      const deadline = part.avenantDeadline!;
      const opening = part.kind === 'avenant-window-open';
      return {
        subject: opening
          ? `Avenant ENT-École : jusqu'au ${formatFrenchDate(deadline)} pour modifier la liste des écoles – commune de ${commune}`
          : `Avenant ENT-École : modifiez la liste des écoles avant le ${formatFrenchDate(deadline)} – commune de ${commune}`,
        title: opening ? 'La période des avenants est ouverte' : `Avenants : jusqu'au ${formatFrenchDate(deadline)}`,
        paragraphs: [
          `La commune de ${commune} a jusqu'au ${formatFrenchDate(deadline)} inclus pour changer la liste de ses écoles inscrites à l'ENT-École (ajout, retrait, échange, entrée ou sortie d'un regroupement) par un avenant à sa convention. Le nouveau nombre d'écoles fixe la participation de cette année scolaire.`,
          LATE_RULE,
          "Sans changement, il n'y a rien à faire.",
        ],
        deadline: { date: deadline, summary: `Date limite des avenants ENT-École (${commune})` },
      };
    }
    case 'end-date':
      return {
        subject: `Votre convention ENT-École se termine le ${formatFrenchDate(convention.endDate)} – commune de ${commune}`,
        title: `Fin de la convention le ${formatFrenchDate(convention.endDate)}`,
        paragraphs: [
          `La convention ENT-École ${convention.schoolYear} de la commune de ${commune} se termine le ${formatFrenchDate(convention.endDate)}.`,
          "Pour l'année scolaire suivante, le rectorat vous enverra une nouvelle convention par courriel, avec un lien pour la lire et la signer ; elle devra être approuvée par le conseil municipal.",
        ],
        deadline: { date: convention.endDate, summary: `Fin de la convention ENT-École ${convention.schoolYear} (${commune})` },
      };
  }
}

export function reminderEmail(parts: ReminderPart[], options: { contactEmail: string; stamp: string }) {
  const rendered = parts.map((part) => {
    const { subject, title, paragraphs, deadline } = render(part);
    return { part, subject: typeset(subject), title: typeset(title), paragraphs: paragraphs.map(typeset), deadline };
  });
  const subject = rendered.length === 1 ? rendered[0]!.subject : `${rendered[0]!.subject} (et ${rendered.length - 1} autre(s) information(s))`;
  const links = [...new Map(parts.map((part) => [part.convention.id, part])).values()];
  const text = [
    'Madame, Monsieur le Maire,',
    '',
    ...rendered.flatMap((item) => [`== ${item.title}`, ...item.paragraphs, '']),
    ...links.flatMap((part) => [`Votre lien personnel pour la convention de ${part.convention.commune.name} (ne le transmettez pas) :`, part.signingUrl, '']),
    `Une question ? Écrivez au rectorat : ${options.contactEmail}`,
  ].join('\n');
  const body: SafeHtml = html`<p>Madame, Monsieur le Maire,</p>
${rendered.map((item) => html`<h2 style="font-size:18px">${item.title}</h2>${item.paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}`)}
${links.map((part) => html`<p><a href="${part.signingUrl}" style="display:inline-block;background:#000091;color:#ffffff;padding:12px 20px;text-decoration:none">Ouvrir la convention de ${part.convention.commune.name}</a></p>`)}
<p>Ce lien est personnel : ne le transmettez pas.</p>`;
  const deadlines: CalendarDeadline[] = rendered
    .filter((item) => item.deadline)
    .map((item) => ({ uid: `${item.part.key}@paraphe`, date: item.deadline!.date, summary: item.deadline!.summary, description: item.paragraphs.join('\n') }));
  return {
    subject,
    text,
    html: emailFrame(subject, body, options.contactEmail),
    attachments: deadlines.length
      ? [{ filename: 'echeance-ent-ecole.ics', contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: Buffer.from(calendarFile(deadlines, options.stamp), 'utf8') }]
      : [],
  };
}
