/**
 * The shapes of what people send Paraphe, with messages in French that say
 * what to fix. Used at every edge (HTTP bodies, forms, the import's rows).
 * Parsing is the application's boundary, not the domain: the rules these
 * schemas apply (an identifier's check, the largest list of schools) are the
 * domain's, called from here.
 */
// A namespace import lets esbuild leave zod's locales out of the bundles (454 KB → 90 KB).
import * as z from 'zod';
import { invalidInput } from './invalid-input.ts';
import { MAX_SCHOOLS } from '../../domain/model.ts';
import { isSiretShaped, isUaiShaped, isValidSchoolYear, isValidSiret, isValidUai, uaiCheckLetter } from '../../domain/identifiers.ts';
import { reminderPolicySchema } from './reminder-policy.ts';

const required = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined || issue.input === null ? `${what} est obligatoire.` : `${what} doit être un texte.`,
});

/**
 * What no text typed by a person holds, in any field: control characters (C0
 * but for tab, line feed and carriage return, which multi-line fields allow;
 * DEL; C1), the bidirectional controls that make a text read otherwise than it
 * is stored (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates,
 * and the invisible marks U+200E, U+200F and U+061C), a lone half of a UTF-16
 * surrogate pair (DynamoDB refuses it), and U+FFFD, what is left of a text
 * decoded with the wrong encoding.
 */
const NEVER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What a single-line field (a name, a title, an address) does not hold either: line breaks and tabs. */
const NOT_ON_ONE_LINE = /[\t\n\r\u2028\u2029]/;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a text cannot be kept, in French, or undefined when it can. */
export function forbiddenCharacter(what: string, value: string, options: { multiline: boolean }): string | undefined {
  const never = NEVER.exec(value)?.[0];
  const char = never ?? (options.multiline ? /[\u2028\u2029]/ : NOT_ON_ONE_LINE).exec(value)?.[0];
  if (char === undefined) return undefined;
  if (char === '\ufffd') return `${what} contient un caractère illisible (U+FFFD) : le texte a sans doute été mal encodé, retapez-le.`;
  if (/[\n\r\u2028\u2029]/.test(char)) return `${what} doit tenir sur une seule ligne.`;
  if (char === '\t') return `${what} contient une tabulation : remplacez-la par une espace.`;
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(char)) {
    return `${what} contient un caractère invisible qui change le sens de lecture (${codePoint(char)}) : retapez-le au clavier plutôt que de le copier-coller.`;
  }
  if (/[\ud800-\udfff]/.test(char)) return `${what} contient un caractère incomplet (${codePoint(char)}) : retapez-le.`;
  return `${what} contient un caractère de contrôle invisible (${codePoint(char)}) : retapez-le au clavier plutôt que de le copier-coller.`;
}

/** A string of text: trimmed, and refused with a French sentence when it holds a character of the lists above. */
const cleanString = (what: string, multiline = false, missing = `${what} est obligatoire.`) =>
  z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? missing : `${what} doit être un texte.`) })
    .trim()
    .superRefine((value, ctx) => {
      const message = forbiddenCharacter(what, value, { multiline });
      if (message) ctx.addIssue({ code: 'custom', message, abort: true });
    });

/** A required single-line text. */
export const text = (what: string, max = 200) =>
  cleanString(what)
    .min(1, { error: `${what} est obligatoire.` })
    .max(max, { error: `${what} ne doit pas dépasser ${max} caractères.` });

/** A single-line text that may be left empty (absent or ''). */
export const optionalText = (what: string, max = 200) =>
  cleanString(what).max(max, { error: `${what} ne doit pas dépasser ${max} caractères.` }).optional();

/** A text that may span several lines (a reason): its line breaks become \n, wherever they were typed. */
export const multilineText = (what: string, { min = 1, max = 2000, tooShort = `${what} est obligatoire.` } = {}) =>
  cleanString(what, true, tooShort)
    .overwrite((value) => value.replace(/\r\n?/g, '\n'))
    .min(min, { error: tooShort })
    .max(max, { error: `${what} ne doit pas dépasser ${new Intl.NumberFormat('fr-FR').format(max).replace(/\s/g, ' ')} caractères.` });

export const plainDate = (what: string) =>
  z
    .string(required(what))
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what} doit être une date au format AAAA-MM-JJ (par exemple 2027-09-05).` })
    .refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    }, { error: `${what} n'est pas une date du calendrier.` })
    .meta({ format: 'date' });

/** A plain date that may be left empty (a form's date field sends ''). */
export const optionalPlainDate = (what: string) =>
  z
    .string(required(what))
    .trim()
    .superRefine((value, ctx) => {
      if (value === '') return;
      const date = plainDate(what).safeParse(value);
      if (!date.success) ctx.addIssue({ code: 'custom', message: date.error.issues[0]!.message });
    })
    .optional();

export const schoolYearSchema = z
  .string(required("L'année scolaire"))
  .refine(isValidSchoolYear, { error: "L'année scolaire doit s'écrire comme « 2026-2027 » (deux années qui se suivent)." })
  .meta({ id: 'SchoolYear', description: 'Année scolaire, deux années qui se suivent. / School year.', example: '2026-2027' });

export const uaiSchema = z
  .string(required("Le code UAI de l'école"))
  .trim()
  .toUpperCase()
  .superRefine((uai, ctx) => {
    if (!isUaiShaped(uai)) {
      ctx.addIssue({ code: 'custom', message: `Le code UAI « ${uai} » doit compter 7 chiffres suivis d'une lettre (par exemple 0341401N).` });
    } else if (!isValidUai(uai)) {
      ctx.addIssue({
        code: 'custom',
        message: `Le code UAI « ${uai} » n'est pas valide : sa lettre de contrôle devrait être ${uaiCheckLetter(uai.slice(0, 7))}.`,
      });
    }
  })
  .meta({ description: "Code UAI de l'école : 7 chiffres et sa lettre de contrôle. / The school's UAI code.", example: '0341401N' });

export const siretSchema = z
  .string(required('Le SIRET'))
  .transform((value) => value.replace(/\s/g, ''))
  .refine(isSiretShaped, { error: 'Le SIRET doit compter 14 chiffres.' })
  .refine(isValidSiret, { error: "Le SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le sur l'avis de situation INSEE." })
  .meta({ description: 'SIRET de la commune, 14 chiffres, clé de Luhn vérifiée. / The commune’s SIRET.', example: '21340135900012' });

export const emailSchema = z
  .string(required("L'adresse électronique"))
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "L'adresse électronique n'est pas valide (par exemple mairie@commune.fr)." }))
  .meta({ format: 'email', example: 'maire@commune.fr' });

export const conventionIdSchema = z
  .uuid({ error: "L'identifiant de convention doit être un UUID." })
  .meta({ id: 'ConventionId', description: "Identifiant (UUID) d'une convention ou d'un avenant. / A convention's or an avenant's id." });

export const signatorySchema = z.object({
  name: text('Le nom du signataire'),
  title: text('La qualité du signataire', 300),
}, { error: 'Le signataire est obligatoire.' }).meta({ id: 'Signatory', description: 'Qui signe pour le rectorat, et en quelle qualité. / Who signs for the rectorat.' });

export const newCampaignSchema = z.object({
  schoolYear: schoolYearSchema,
  feeCents: z
    .number({ error: 'Le montant par école, en centimes, est obligatoire (par exemple 4000 pour 40 €).' })
    .int({ error: 'Le montant par école doit être un nombre entier de centimes (par exemple 4000 pour 40 €).' })
    .positive({ error: 'Le montant par école doit être positif.' })
    .max(1_000_000, { error: 'Le montant par école semble trop élevé (plus de 10 000 €).' })
    .meta({ description: 'Montant par école, en centimes (4000 = 40 €). / Fee per school, in cents.' }),
  endDate: plainDate('La date de fin des conventions'),
  issuePlace: text("Le lieu d'émission"),
  issueDate: plainDate("La date d'émission"),
  signatory: signatorySchema,
  linkValidityDays: z
    .number({ error: 'La durée de validité des liens doit être un nombre de jours (par exemple 60).' })
    .int({ error: 'La durée de validité des liens doit être un nombre entier de jours.' })
    .min(1, { error: "La durée de validité des liens est d'au moins 1 jour." })
    .max(365, { error: 'La durée de validité des liens ne doit pas dépasser 365 jours.' })
    .default(60),
  model: schoolYearSchema.optional().meta({ description: 'Année scolaire du texte de convention ; le plus récent par défaut. / Convention text to use; the latest by default.' }),
  deliberationRequired: z.boolean({ error: 'deliberationRequired doit valoir true (le maire donne la délibération pour signer) ou false.' }).default(true).meta({ description: 'La délibération (numéro et date) est exigée pour signer ; vrai par défaut. / Whether the délibération is required to sign.' }),
  reminderPolicy: reminderPolicySchema.optional(),
}, { error: 'Le corps de la requête doit être un objet JSON décrivant la campagne.' }).meta({ id: 'NewCampaign' });
export type NewCampaign = z.infer<typeof newCampaignSchema>;

export const schoolSchema = z.object({
  uai: uaiSchema,
  type: z.enum(['maternelle', 'elementaire', 'primaire'], {
    error: "Le type d'école doit être « maternelle », « elementaire » ou « primaire ».",
  }),
  name: optionalText("Le nom de l'école").default(''),
}).meta({ id: 'School' });

export const schoolListSchema = z
    .array(schoolSchema, { error: 'La liste des écoles est obligatoire.' })
    .min(1, { error: 'Une convention porte sur au moins une école.' })
    .max(MAX_SCHOOLS, { error: `Une convention ne peut pas porter sur plus de 1 000 écoles : vérifiez la liste (une commune en compte au plus quelques centaines).` })
    .superRefine((schools, ctx) => {
      const seen = new Map<string, number>();
      schools.forEach((school, index) => {
        const first = seen.get(school.uai);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'uai'],
            message: `L'école ${school.uai} figure deux fois dans la liste (lignes ${first + 1} et ${index + 1}).`,
          });
        } else seen.set(school.uai, index);
      });
    });

export const newConventionSchema = z.object({
  commune: z.object({
    name: text('Le nom de la commune'),
    siret: siretSchema,
    address: text("L'adresse de la commune", 300),
  }, { error: 'La commune est obligatoire.' }),
  mayor: z.object({
    name: text('Le nom du maire'),
    title: text('La qualité du maire').default('Maire'),
    email: emailSchema,
  }, { error: 'Le maire est obligatoire.' }),
  schools: schoolListSchema,
  endDate: plainDate('La date de fin de la convention').optional().meta({ description: 'Date de fin propre à cette convention ; celle de la campagne par défaut. / This convention’s own end date.' }),
}, { error: 'Le corps de la requête doit être un objet JSON décrivant la convention.' }).meta({ id: 'NewConvention' });
export type NewConvention = z.infer<typeof newConventionSchema>;

export const signatureFormSchema = z
  .object({
    signerName: text('Votre nom complet'),
    capacity: z.enum(['maire', 'delegation'], {
      error: 'Indiquez si vous signez en tant que maire ou par délégation du maire.',
    }),
    delegateFunction: optionalText('Votre fonction'),
    deliberationNumber: optionalText('Le numéro de la délibération', 50),
    deliberationDate: optionalPlainDate('La date de la délibération'),
    consent: z.literal(['on', 'true', true], {
      error: 'Cochez la case « J\'ai lu la convention et je la signe au nom de la commune » pour signer.',
    }),
  })
  .superRefine((form, ctx) => {
    if (form.capacity === 'delegation' && !form.delegateFunction) {
      ctx.addIssue({
        code: 'custom',
        path: ['delegateFunction'],
        message: 'Indiquez votre fonction (par exemple « Directeur Général des Services ») quand vous signez par délégation.',
      });
    }
    // A délibération is cited by its number and its date: one without the other cannot be printed on the certificate.
    if (form.deliberationDate && !form.deliberationNumber) {
      ctx.addIssue({ code: 'custom', path: ['deliberationNumber'], message: 'Indiquez le numéro de la délibération, ou effacez sa date.' });
    }
    if (form.deliberationNumber && !form.deliberationDate) {
      ctx.addIssue({ code: 'custom', path: ['deliberationDate'], message: 'Indiquez la date de la délibération, ou effacez son numéro.' });
    }
  });
export type SignatureForm = z.infer<typeof signatureFormSchema>;

const TYPE_NAMES: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'vrai ou faux (true ou false)',
  array: 'une liste',
  object: 'un objet',
};

/**
 * French for whatever a schema left unworded (zod's own messages are English):
 * the field is named beside it, in the issue's path.
 */
export function frenchIssue(issue: { code?: string; input?: unknown; expected?: string; origin?: string; minimum?: unknown; maximum?: unknown }): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'Cette valeur est obligatoire.';
      return `Cette valeur doit être ${TYPE_NAMES[issue.expected ?? ''] ?? 'd’un autre type'}.`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `Cette valeur est trop courte (au moins ${String(issue.minimum)}).`
        : `Cette valeur doit être au moins ${String(issue.minimum)}.`;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `Cette valeur est trop longue (au plus ${String(issue.maximum)}).`
        : `Cette valeur doit être au plus ${String(issue.maximum)}.`;
    case 'invalid_value':
      return "Cette valeur n'est pas l'une de celles attendues.";
    case 'invalid_format':
      return "Cette valeur n'a pas le format attendu.";
    default:
      return "Cette valeur n'est pas valide.";
  }
}

/** Parses input or throws INVALID_INPUT with one issue per field; `field` names a lone value (a path parameter). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.infer<S> {
  const result = schema.safeParse(input, { error: frenchIssue });
  if (result.success) return result.data;
  throw invalidInput(
    result.error.issues.map((issue) => ({
      field: [field, ...issue.path.map(String)].filter(Boolean).join('.') || '(corps de la requête)',
      message: issue.message,
    })),
  );
}

export const declineFormSchema = z.object({
  declinedBy: text('Votre nom complet'),
  // The one field of the mayor's forms that may span several lines.
  reason: multilineText('La raison du refus', {
    min: 5,
    max: 2000,
    tooShort: 'Indiquez la raison du refus (quelques mots au moins), pour que le rectorat puisse vous répondre.',
  }),
});
export type DeclineForm = z.infer<typeof declineFormSchema>;

/**
 * A list of schools typed by a mayor, one per line: "UAI ; type ; nom"
 * (type: maternelle, élémentaire or primaire; the name may be left out).
 */
export function schoolsFromLines(text: string): unknown[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [uai = '', type = '', ...name] = line.split(/[;,]/).map((cell) => cell.trim());
      const normalized = type.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return { uai, type: normalized, name: name.join(', ') };
    });
}

export const avenantRequestSchema = z.object(
  { schools: schoolListSchema },
  { error: 'Le corps de la requête doit être un objet JSON avec la nouvelle liste des écoles (« schools »).' },
).meta({ id: 'AvenantRequest' });
