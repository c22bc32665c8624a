/**
 * A change of the list of schools of a signed convention: asked by the mayor
 * from the convention's page, or prepared by the rectorat. The avenant is a
 * document with its own signing link; the mayor signs it like a convention.
 * At most one avenant waits for the mayor's signature: a new one replaces it,
 * and its link dies, in the transaction that creates the new one.
 */
import { renderAvenantPdf } from '../../templates/avenant/render-avenant.ts';
import { avenantEmail } from '../../templates/email/avenant.ts';
import { avenantLimit, departementMismatches, preparationWarnings, schoolChange, type AvenantLimit } from '../domain/avenant-rules.ts';
import { referenceOrId } from '../domain/convention-reference.ts';
import { formatFrenchDate, formatParisDateTime } from '../../templates/format/french.ts';
import { departementMismatchText, preparationWarningText } from '../../templates/format/avenant-phrases.ts';
import { parisDateOf } from '../domain/calendar.ts';
import { avenantDocumentKey } from '../domain/document-keys.ts';
import { AppError } from '../domain/errors.ts';
import type { Avenant, Convention, School } from '../domain/model.ts';
import type { Deps } from './ports.ts';
import { refusedError } from './refused.ts';
import { avenantUrl, hashToken, linkExpiry } from './signing-link.ts';
import { storeOnce } from './stored-document.ts';

type RequestDeps = Pick<Deps, 'now' | 'newId' | 'newToken' | 'campaigns' | 'conventions' | 'avenants' | 'documents' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

/** Older data may hold several waiting avenants; a transaction replaces this many at most (4 items each, of 100). */
const MAX_REPLACED = 20;

export interface RequestedAvenant {
  avenant: Avenant;
  /** The avenant's signing link, for the mayor who asked for it from their page. */
  token: string;
}

/** A limit broken at preparation (or, for the end date, at the signature), in French. */
export function avenantLimitError(limit: AvenantLimit, convention: Convention, linkValidityDays?: number): AppError {
  if (limit.kind === 'convention-ended') {
    return new AppError('CONFLICT', `La convention de la commune de ${convention.commune.name} a pris fin le ${formatFrenchDate(limit.endDate)} : un avenant ne peut plus la modifier. La liste des écoles de l'année scolaire suivante est celle de sa nouvelle convention.`);
  }
  return new AppError(
    'CONFLICT',
    `Préparé aujourd'hui, cet avenant ne pourrait pas être signé : son lien expirerait le ${formatParisDateTime(limit.linkExpiresAt)}, avant l'ouverture de la période des avenants le ${formatFrenchDate(limit.opens)}. Préparez-le moins de ${linkValidityDays ?? ''} jours avant cette date.`,
  );
}

/** The rectorat prepares an avenant of the convention it names: NOT_FOUND when there is none. */
export async function requestAvenantOf(
  deps: RequestDeps,
  input: { conventionId: string; schools: School[]; actor: string },
): Promise<RequestedAvenant> {
  const convention = await deps.conventions.get(input.conventionId);
  if (!convention) throw new AppError('NOT_FOUND', `Aucune convention ne porte l'identifiant ${input.conventionId}.`);
  return requestAvenant(deps, { convention, schools: input.schools, requestedBy: 'rectorat', actor: input.actor });
}

export async function requestAvenant(
  deps: RequestDeps,
  input: { convention: Convention; schools: School[]; requestedBy: 'maire' | 'rectorat'; actor: string },
): Promise<RequestedAvenant> {
  const { convention, schools } = input;
  if (convention.status !== 'signed' && convention.status !== 'executed') {
    throw new AppError('CONFLICT', "Un avenant modifie une convention signée : cette convention ne l'est pas.");
  }
  const change = schoolChange(convention.schools, schools);
  if (change.added.length === 0 && change.removed.length === 0) {
    throw new AppError('INVALID_INPUT', "La liste demandée est celle de la convention : il n'y a rien à changer.", [
      { field: 'schools', message: 'Ajoutez, retirez ou remplacez au moins une école.' },
    ]);
  }
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing`);
  const now = deps.now();
  const link = linkExpiry(now, campaign.linkValidityDays);
  // Every limit now, before anything is stored: the mayor's signature checks again only what time can change.
  const limit = avenantLimit({ instant: now.toISOString(), endDate: convention.endDate, schoolYear: convention.schoolYear, linkExpiresAt: link });
  if (limit) throw avenantLimitError(limit, convention, campaign.linkValidityDays);
  const owners = await deps.conventions.schoolOwners(convention.schoolYear, change.added.map((school) => school.uai));
  const taken = schools
    .map((school, index) => ({ school, index, owner: owners.get(school.uai) }))
    .filter(({ owner }) => owner !== undefined && owner.siret !== convention.commune.siret);
  if (taken.length > 0) {
    throw refusedError({
      code: 'schools-taken',
      schoolYear: convention.schoolYear,
      taken: taken.map(({ school, index, owner }) => ({ index, uai: school.uai, communeName: owner!.communeName })),
    });
  }
  // At most one avenant waits for the mayor: this one replaces it (older data may hold several).
  const pending = (await deps.avenants.pending(convention.id)).slice(0, MAX_REPLACED);

  const id = deps.newId();
  const pdf = await renderAvenantPdf({
    avenantId: id,
    conventionId: referenceOrId(convention),
    conventionSchoolYear: convention.schoolYear,
    schoolYear: convention.schoolYear,
    feeCents: convention.feeCents,
    previousAmountCents: convention.amountCents,
    amountCents: schools.length * convention.feeCents,
    issuePlace: campaign.issuePlace,
    issueDate: parisDateOf(now),
    rectorat: campaign.signatory,
    commune: convention.commune,
    mayor: { name: convention.mayor.name, title: convention.mayor.title },
    previousSchools: convention.schools,
    schools,
  });
  const { document } = await storeOnce(deps, avenantDocumentKey(convention, id), pdf, 'application/pdf');
  const token = deps.newToken();
  const createdAt = now.toISOString();
  const avenant: Avenant = {
    id,
    conventionId: convention.id,
    schoolYear: convention.schoolYear,
    requestedBy: input.requestedBy,
    actor: input.actor,
    previousSchools: convention.schools,
    schools,
    feeCents: convention.feeCents,
    warnings: [
      ...preparationWarnings({ instant: createdAt, previous: convention.schools, requested: schools, feeCents: convention.feeCents, schoolYear: convention.schoolYear }).map(preparationWarningText),
      ...departementMismatches(convention.commune.siret, change.added).map(departementMismatchText),
      ...pending.map((old) => `Cet avenant remplace l'avenant ${old.id} préparé le ${formatParisDateTime(old.createdAt)}, qui n'était pas signé : son lien ne fonctionne plus.`),
    ],
    status: 'sent',
    createdAt,
    document,
    link: { hash: hashToken(token), expiresAt: link },
  };
  const created = await deps.avenants.create(
    avenant,
    {
      conventionId: convention.id,
      at: createdAt,
      type: 'avenant_requested',
      actor: input.actor,
      sha256After: document.sha256,
      avenantId: id,
      added: change.added.length,
      removed: change.removed.length,
      replaces: pending.map((old) => old.id),
    },
    pending.map((old) => ({
      avenant: old,
      event: { conventionId: convention.id, at: createdAt, type: 'avenant_replaced', actor: input.actor, avenantId: old.id, replacedBy: id },
    })),
  );
  if (!created) {
    throw new AppError('CONFLICT', "La convention vient de changer (un autre avenant a été préparé ou signé) : rechargez-la, puis recommencez si besoin.");
  }
  if (input.requestedBy === 'rectorat') {
    await deps.mailer.send({
      to: [convention.mayor.email],
      ...avenantEmail({ convention, avenant, signingUrl: avenantUrl(deps.publicBaseUrl, token), contactEmail: deps.contactEmail, today: parisDateOf(now) }),
    });
  }
  return { avenant, token };
}
