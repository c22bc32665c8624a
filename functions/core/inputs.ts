/**
 * The shapes of what people send Paraphe, with messages in French that say
 * what to fix. Used at every edge (HTTP bodies, later CSV rows).
 */
// A namespace import lets esbuild leave zod's locales out of the bundles (454 KB → 90 KB).
import * as z from 'zod';
import { invalidInput } from './errors.ts';
import { isValidSchoolYear, isValidSiret, isValidUai, uaiCheckLetter } from './identifiers.ts';
import { reminderPolicySchema } from './reminder-policy.ts';

const required = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined || issue.input === null ? `${what} est obligatoire.` : `${what} doit être un texte.`,
});

export const text = (what: string, max = 200) =>
  z
    .string(required(what))
    .trim()
    .min(1, { error: `${what} est obligatoire.` })
    .max(max, { error: `${what} ne doit pas dépasser ${max} caractères.` });

export const plainDate = (what: string) =>
  z
    .string(required(what))
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what} doit être une date au format AAAA-MM-JJ (par exemple 2027-09-05).` })
    .refine((value) => {
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    }, { error: `${what} n'est pas une date du calendrier.` });

export const schoolYearSchema = z
  .string(required("L'année scolaire"))
  .refine(isValidSchoolYear, { error: "L'année scolaire doit s'écrire comme « 2026-2027 » (deux années qui se suivent)." });

export const uaiSchema = z
  .string(required("Le code UAI de l'école"))
  .trim()
  .toUpperCase()
  .superRefine((uai, ctx) => {
    if (!/^\d{7}[A-Z]$/.test(uai)) {
      ctx.addIssue({ code: 'custom', message: `Le code UAI « ${uai} » doit compter 7 chiffres suivis d'une lettre (par exemple 0341401N).` });
    } else if (!isValidUai(uai)) {
      ctx.addIssue({
        code: 'custom',
        message: `Le code UAI « ${uai} » n'est pas valide : sa lettre de contrôle devrait être ${uaiCheckLetter(uai.slice(0, 7))}.`,
      });
    }
  });

export const siretSchema = z
  .string(required('Le SIRET'))
  .transform((value) => value.replace(/\s/g, ''))
  .refine((siret) => /^\d{14}$/.test(siret), { error: 'Le SIRET doit compter 14 chiffres.' })
  .refine(isValidSiret, { error: "Le SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez-le sur l'avis de situation INSEE." });

export const emailSchema = z
  .string(required("L'adresse électronique"))
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "L'adresse électronique n'est pas valide (par exemple mairie@commune.fr)." }));

export const conventionIdSchema = z.uuid({ error: "L'identifiant de convention doit être un UUID." });

export const signatorySchema = z.object({
  name: text('Le nom du signataire'),
  title: text('La qualité du signataire', 300),
}, { error: 'Le signataire est obligatoire.' });

export const newCampaignSchema = z.object({
  schoolYear: schoolYearSchema,
  feeCents: z
    .number({ error: 'Le montant par école, en centimes, est obligatoire (par exemple 4000 pour 40 €).' })
    .int({ error: 'Le montant par école doit être un nombre entier de centimes (par exemple 4000 pour 40 €).' })
    .positive({ error: 'Le montant par école doit être positif.' })
    .max(1_000_000, { error: 'Le montant par école semble trop élevé (plus de 10 000 €).' }),
  endDate: plainDate('La date de fin des conventions'),
  issuePlace: text("Le lieu d'émission"),
  issueDate: plainDate("La date d'émission"),
  signatory: signatorySchema,
  linkValidityDays: z.number().int().min(1).max(365).default(60),
  model: schoolYearSchema.optional(),
  reminderPolicy: reminderPolicySchema.optional(),
}, { error: 'Le corps de la requête doit être un objet JSON décrivant la campagne.' });
export type NewCampaign = z.infer<typeof newCampaignSchema>;

export const schoolSchema = z.object({
  uai: uaiSchema,
  type: z.enum(['maternelle', 'elementaire', 'primaire'], {
    error: "Le type d'école doit être « maternelle », « elementaire » ou « primaire ».",
  }),
  name: z.string().trim().max(200, { error: "Le nom de l'école ne doit pas dépasser 200 caractères." }).default(''),
});

/**
 * The largest list a convention (or an avenant) may carry. Toulouse, the largest commune of the
 * région, has about 200 public schools; beyond 1,000 the list is surely a mistake (a whole
 * département pasted in). The school guards are written in chunks, so this is no storage limit.
 */
export const MAX_SCHOOLS = 1000;

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
}, { error: 'Le corps de la requête doit être un objet JSON décrivant la convention.' });
export type NewConvention = z.infer<typeof newConventionSchema>;

export const signatureFormSchema = z
  .object({
    signerName: text('Votre nom complet'),
    capacity: z.enum(['maire', 'delegation'], {
      error: 'Indiquez si vous signez en tant que maire ou par délégation du maire.',
    }),
    delegateFunction: z.string().trim().max(200).optional(),
    deliberationNumber: z.string().trim().max(50).optional(),
    deliberationDate: z.union([z.literal(''), plainDate('La date de la délibération')]).optional(),
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
    if (form.deliberationDate && !form.deliberationNumber) {
      ctx.addIssue({ code: 'custom', path: ['deliberationNumber'], message: 'Indiquez le numéro de la délibération.' });
    }
  });
export type SignatureForm = z.infer<typeof signatureFormSchema>;

/** Parses input or throws INVALID_INPUT with one issue per field; `field` names a lone value (a path parameter). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.infer<S> {
  const result = schema.safeParse(input);
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
  reason: z
    .string({ error: 'Indiquez la raison du refus, pour que le rectorat puisse vous répondre.' })
    .trim()
    .min(5, { error: 'Indiquez la raison du refus (quelques mots au moins), pour que le rectorat puisse vous répondre.' })
    .max(2000, { error: 'La raison du refus ne doit pas dépasser 2 000 caractères.' }),
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
);
