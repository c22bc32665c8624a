import { describe, expect, it } from 'vitest';
import type { ConventionEvent, ConventionEventType, NewEventOf } from '../../../functions/domain/model.ts';
import { describeEvent } from '../../../templates/format/audit-event.ts';
import { EVENT_LABEL } from '../../../templates/pages/console/labels.ts';

const base = { conventionId: 'c-1', at: '2026-11-20T09:00:00.000Z', actor: 'clerk@rectorat.example.org' };

/** One event of every type, with its sentence: a type missing here does not compile. */
const samples: { [T in ConventionEventType]: [NewEventOf<T>, string] } = {
  created: [{ ...base, type: 'created' }, 'Convention ajoutée à la campagne.'],
  sent: [{ ...base, type: 'sent', to: 'maire@mairie-lespignan.example.org' }, 'Invitation envoyée à maire@mairie-lespignan.example.org'],
  invitation_failed: [
    { ...base, type: 'invitation_failed', reason: "L'adresse x@example.org a été refusée (MessageRejected) : corrigez-la, puis envoyez à nouveau." },
    "L'adresse x@example.org a été refusée (MessageRejected) : corrigez-la, puis envoyez à nouveau.",
  ],
  viewed: [{ ...base, type: 'viewed', actor: 'lien de signature' }, 'Lien de signature ouvert pour la première fois.'],
  signed: [{ ...base, type: 'signed', capacity: 'maire' }, 'Signée par le maire'],
  declined: [{ ...base, type: 'declined', reason: 'Le conseil municipal a voté contre.' }, 'Motif du refus : « Le conseil municipal a voté contre. »'],
  countersigned: [
    { ...base, type: 'countersigned', signerName: 'Sophie BÉJEAN', signerTitle: 'Rectrice de région académique', byDelegation: false },
    'Contresignée par Sophie BÉJEAN, Rectrice de région académique',
  ],
  link_resent: [{ ...base, type: 'link_resent', actor: 'planificateur', cause: 'reminder' }, 'Lien joint au rappel ; les liens déjà reçus restent valables.'],
  reminded: [{ ...base, type: 'reminded', kinds: ['unsigned', 'avenant-deadline'] }, 'Rappel envoyé : convention non signée, date limite des avenants'],
  reminder_failed: [{ ...base, type: 'reminder_failed', error: 'ServiceUnavailable' }, "Le rappel n'a pas pu partir (ServiceUnavailable) ; il sera retenté."],
  expired: [{ ...base, type: 'expired', endDate: '2027-09-05' }, 'Échue le 5 septembre 2027'],
  avenant_requested: [
    { ...base, type: 'avenant_requested', avenantId: 'a-2', added: 2, removed: 1, replaces: ['a-1'] },
    'Avenant a-2 : 2 école(s) ajoutée(s), 1 retirée(s), remplace a-1',
  ],
  avenant_signed: [
    {
      ...base,
      type: 'avenant_signed',
      avenantId: 'a-2',
      effect: { timing: 'in-window', schoolYear: '2026-2027', billedCount: 3, amountCents: 12000, refused: [], removed: [], previousCount: 2 },
    },
    'Avenant reçu dans les délais : 3 école(s) pour 2026-2027, soit 120\u00a0€.',
  ],
  avenant_countersigned: [
    { ...base, type: 'avenant_countersigned', avenantId: 'a-2', signerName: 'Jean DUPONT', signerTitle: 'Secrétaire général', byDelegation: true },
    'Avenant a-2 contresigné par Jean DUPONT, Secrétaire général, par délégation',
  ],
  avenant_replaced: [{ ...base, type: 'avenant_replaced', avenantId: 'a-1', replacedBy: 'a-2' }, "Remplacé par l'avenant a-2 avant sa signature : son lien ne fonctionne plus."],
  cancelled: [{ ...base, type: 'cancelled', reason: 'Commune sortie du dispositif' }, "Motif de l'annulation : « Commune sortie du dispositif »"],
  document_sealed: [
    { ...base, type: 'document_sealed', actor: 'Paraphe', document: 'signed', sentTo: 'maire@example.org', rectoratCopy: false },
    'Copie signée scellée et envoyée à maire@example.org',
  ],
  mayor_email_changed: [
    { ...base, type: 'mayor_email_changed', addressChange: { previous: 'maire@example.org', next: 'dgs@example.org' } },
    "Adresse du maire changée à la demande du rectorat : maire@example.org → dgs@example.org ; l'ancienne adresse en est avertie, sans lien.",
  ],
  titre_recorded: [
    { ...base, type: 'titre_recorded', titre: { number: 'T-2027-000184', date: '2027-01-12' }, amountCents: 4000 },
    'Titre de perception n° T-2027-000184 du 12/01/2027 : 40,00 €',
  ],
};

describe('an audit event in French', () => {
  it('has a sentence for every type the console names', () => {
    const types = Object.keys(EVENT_LABEL) as ConventionEventType[];
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) {
      const [event, sentence] = samples[type];
      expect(event.type).toBe(type);
      expect(describeEvent(event)).toBe(sentence);
    }
    expect(Object.keys(samples).sort()).toEqual([...types].sort());
  });

  it('says each variant of a type: a delegation, a resent link, a late avenant, each sealed document', () => {
    expect(describeEvent({ ...base, type: 'signed', capacity: 'delegation', delegateFunction: 'Adjoint au maire' })).toBe('Signée par délégation du maire (Adjoint au maire)');
    expect(describeEvent({ ...base, type: 'link_resent', cause: 'resend' })).toBe('Nouveau lien envoyé ; les liens précédents ne fonctionnent plus.');
    expect(describeEvent({ ...base, type: 'link_resent', cause: 'resend', newAddress: 'dgs@example.org' })).toBe(
      'Nouveau lien envoyé à une nouvelle adresse (dgs@example.org) ; les liens précédents ne fonctionnent plus.',
    );
    expect(describeEvent({ ...base, type: 'avenant_requested', avenantId: 'a-1', added: 1, removed: 0, replaces: [] })).toBe('Avenant a-1 : 1 école(s) ajoutée(s), 0 retirée(s)');
    expect(
      describeEvent({
        ...base,
        type: 'avenant_signed',
        avenantId: 'a-1',
        effect: { timing: 'late', schoolYear: '2026-2027', billedCount: 2, amountCents: 8000, refused: ['0340001S'], removed: ['0341406U'], previousCount: 2 },
      }),
    ).toBe(
      'Avenant reçu après le 15 octobre 2026 ; 1 école(s) ajoutée(s) refusée(s), non activée(s) (0340001S) ; retrait de 1 école(s) non pris en compte dans la facturation de 2026-2027 (facturé sur 2 école(s)).',
    );
    const sealed = (document: 'signed' | 'executed', avenantId?: string) =>
      describeEvent({ ...base, type: 'document_sealed', document, sentTo: 'maire@example.org', rectoratCopy: document === 'executed', ...(avenantId ? { avenantId } : {}) });
    expect(sealed('executed')).toBe('Convention exécutoire scellée et envoyée à maire@example.org et au rectorat');
    expect(sealed('signed', 'a-1')).toBe('Avenant a-1 signé : copie scellée et envoyée à maire@example.org');
    expect(sealed('executed', 'a-1')).toBe('Avenant a-1 exécutoire : scellé et envoyé à maire@example.org et au rectorat');
  });

  it('shows an event stored by an earlier version by its own sentence, its `detail`', () => {
    // As send-campaign.ts and countersign-convention.ts wrote them: the sentence, none of the fields.
    const sent = { ...base, type: 'sent', detail: 'Invitation envoyée à maire@example.org' } as ConventionEvent;
    const sealed = { ...base, type: 'document_sealed', actor: 'Paraphe', detail: 'Convention exécutoire scellée et envoyée à maire@example.org et au rectorat' } as ConventionEvent;
    expect(describeEvent(sent)).toBe('Invitation envoyée à maire@example.org');
    expect(describeEvent(sealed)).toBe('Convention exécutoire scellée et envoyée à maire@example.org et au rectorat');
    // resend-link.ts wrote both the address change and its sentence: the sentence is what it said.
    const changed = { ...base, type: 'mayor_email_changed', addressChange: { previous: 'a@example.org', next: 'b@example.org' }, detail: 'Adresse du maire changée : a → b' } as ConventionEvent;
    expect(describeEvent(changed)).toBe('Adresse du maire changée : a → b');
  });
});
