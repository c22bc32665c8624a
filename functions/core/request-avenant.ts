/**
 * A change of the list of schools of a signed convention: asked by the mayor
 * from the convention's page, or prepared by the rectorat. The avenant is a
 * document with its own signing link; the mayor signs it like a convention.
 */
import { renderAvenantPdf } from '../../templates/avenant/render-avenant.ts';
import { avenantEmail } from '../../templates/email/avenant.ts';
import { departementWarnings, schoolChange } from './avenant-rules.ts';
import { parisDateOf } from './calendar.ts';
import { avenantDocumentKey } from './document-keys.ts';
import { AppError } from './errors.ts';
import type { Avenant, Convention, School } from './model.ts';
import type { Deps } from './ports.ts';
import { avenantUrl, hashToken, linkExpiry } from './signing-link.ts';
import { storeOnce } from './stored-document.ts';

type RequestDeps = Pick<Deps, 'now' | 'newId' | 'newToken' | 'campaigns' | 'conventions' | 'avenants' | 'documents' | 'mailer' | 'publicBaseUrl' | 'contactEmail'>;

export interface RequestedAvenant {
  avenant: Avenant;
  /** The avenant's signing link, for the mayor who asked for it from their page. */
  token: string;
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
  const owners = await deps.conventions.schoolOwners(convention.schoolYear, change.added.map((school) => school.uai));
  const taken = schools
    .map((school, index) => ({ school, index, owner: owners.get(school.uai) }))
    .filter(({ owner }) => owner !== undefined && owner.siret !== convention.commune.siret);
  if (taken.length > 0) {
    throw new AppError('ALREADY_EXISTS', "Une école figure déjà dans la convention d'une autre commune.", taken.map(({ school, index, owner }) => ({
      field: `schools.${index}.uai`,
      message: `L'école ${school.uai} figure déjà dans la convention de la commune ${owner!.communeName} pour ${convention.schoolYear}.`,
    })));
  }
  const campaign = await deps.campaigns.get(convention.schoolYear);
  if (!campaign) throw new Error(`Campaign ${convention.schoolYear} missing`);

  const now = deps.now();
  const id = deps.newId();
  const pdf = await renderAvenantPdf({
    avenantId: id,
    conventionId: convention.id,
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
  const avenant: Avenant = {
    id,
    conventionId: convention.id,
    schoolYear: convention.schoolYear,
    requestedBy: input.requestedBy,
    actor: input.actor,
    previousSchools: convention.schools,
    schools,
    feeCents: convention.feeCents,
    warnings: departementWarnings(convention.commune.siret, change.added),
    status: 'sent',
    createdAt: now.toISOString(),
    document,
    link: { hash: hashToken(token), expiresAt: linkExpiry(now, campaign.linkValidityDays) },
  };
  await deps.avenants.create(avenant, {
    conventionId: convention.id,
    at: avenant.createdAt,
    type: 'avenant_requested',
    actor: input.actor,
    sha256After: document.sha256,
    detail: `Avenant ${id} : ${change.added.length} école(s) ajoutée(s), ${change.removed.length} retirée(s)`,
  });
  if (input.requestedBy === 'rectorat') {
    await deps.mailer.send({
      to: [convention.mayor.email],
      ...avenantEmail({ convention, avenant, signingUrl: avenantUrl(deps.publicBaseUrl, token), contactEmail: deps.contactEmail, today: parisDateOf(now) }),
    });
  }
  return { avenant, token };
}
