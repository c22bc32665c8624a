import { describe, expect, it } from 'vitest';
import { campaignStats } from '../../../functions/domain/campaign-stats.ts';
import type { Convention, ConventionStatus } from '../../../functions/domain/model.ts';
import { digestEmail, type DigestInput } from '../../../templates/email/digest.ts';
import { declinedText, mayorEmailChangedText } from '../../../templates/format/audit-event.ts';
import { typeset } from '../../../templates/format/french.ts';
import { leBoulou, lespignan, pezilla } from '../../fixtures/seed-communes.ts';

type Seed = typeof lespignan;

function convention(seed: Seed, status: ConventionStatus, extra: Partial<Convention> = {}): Convention {
  const schools = seed.schools.map((school) => ({ ...school, type: school.type as Convention['schools'][number]['type'] }));
  return {
    id: `c-${seed.commune.siret}`,
    schoolYear: '2026-2027',
    commune: seed.commune,
    mayor: seed.mayor,
    schools,
    feeCents: 4000,
    amountCents: schools.length * 4000,
    endDate: '2027-09-05',
    status,
    createdAt: '2026-11-20T09:00:00.000Z',
    ...extra,
  };
}

const signedLespignan = convention(lespignan, 'signed', {
  signedAt: '2026-12-07T09:05:00Z',
  signature: {
    signerName: 'Marie DURAND',
    capacity: 'delegation',
    delegateFunction: 'Directrice Générale des Services',
    deliberation: { number: '2026/086', date: '2026-12-01' },
    signedAt: '2026-12-07T09:05:00Z',
    ip: '192.0.2.1',
    userAgent: 'test',
  },
});
const declinedBoulou = convention(leBoulou, 'declined', {
  decline: { reason: 'Le conseil municipal a voté contre <le 3 décembre>.', declinedBy: 'François COMES', declinedAt: '2026-12-07T15:40:00Z', ip: '192.0.2.2', userAgent: 'test' },
});
const sentPezilla = convention(pezilla, 'sent', { link: { hash: 'h', expiresAt: '2026-12-18T09:00:00Z' } });
const stats = campaignStats([signedLespignan, declinedBoulou, sentPezilla]);

const busyDay: DigestInput = {
  day: '2026-12-07',
  signed: [signedLespignan],
  declined: [declinedBoulou],
  undeliverable: [{ address: 'maire.pezilla@example.org', reason: 'bounce', detail: '550 5.1.1 mailbox unavailable', at: '2026-12-07T10:00:00Z' }],
  dueSoon: [
    { convention: sentPezilla, kind: 'link-expiry', date: '2026-12-18' },
    { convention: sentPezilla, kind: 'unsigned', date: '2026-12-14' },
  ],
  stats,
  contactEmail: 'ent-ecole@region-academique-occitanie.example.org',
};

describe('the daily digest of a busy day', () => {
  const email = digestEmail(busyDay);

  it("says in the subject what happened and on which day", () => {
    expect(email.subject).toBe('Conventions ENT-École, synthèse du 7 décembre 2026\u00a0: 1 signature, 1 refus, 1 adresse en échec');
    expect(email.quiet).toBe(false);
  });

  it('lists the signature with its signer, delegation and délibération, in Paris time', () => {
    expect(email.text).toContain('le lundi 7 décembre 2026');
    expect(email.text).toContain(
      '- Lespignan (34) – 2 écoles, 80\u00a0€ – signée le 7 décembre 2026 à 10 h 05 (heure de Paris) par Marie DURAND (par délégation, Directrice Générale des Services), délibération n° 2026/086 du 1er décembre 2026',
    );
  });

  it('gives the reason of a decline as the history says it, escaped in HTML', () => {
    const reason = declinedText({ reason: 'Le conseil municipal a voté contre <le 3 décembre>.' });
    expect(email.text).toContain(`Le Boulou (66) – refusée le 7 décembre 2026 à 16 h 40 (heure de Paris) par François COMES – ${typeset(reason)}`);
    expect(email.text).toContain('Motif du refus\u00a0: «\u00a0Le conseil municipal a voté contre <le 3 décembre>.\u00a0»');
    expect(email.html).toContain('contre &lt;le 3 décembre&gt;');
    expect(email.html).not.toContain('<le 3 décembre>');
  });

  it('names the bounced address and why', () => {
    expect(email.text).toContain('maire.pezilla@example.org – adresse rejetée le 7 décembre 2026 à 11 h 00 (heure de Paris)\u00a0: 550 5.1.1 mailbox unavailable');
  });

  it('lists what falls due in the next 14 days, soonest first', () => {
    const due = email.text.slice(email.text.indexOf('== Échéances'));
    expect(due.indexOf('14 décembre 2026 – Pézilla-la-Rivière (66) – relance')).toBeGreaterThan(0);
    expect(due.indexOf('14 décembre')).toBeLessThan(due.indexOf('18 décembre 2026 – Pézilla-la-Rivière (66) – fin de validité du lien de signature'));
  });

  it('gives totals by status, by académie and by département, with the amounts', () => {
    expect(email.text).toContain('3 conventions, 5 écoles\u00a0: 1 envoyée (signature attendue), 1 signée par la commune (à contresigner), 1 refusée.');
    expect(email.text).toContain('Montant attendu\u00a0: 160\u00a0€\u202f; montant signé\u00a0: 80\u00a0€.');
    expect(email.text).toContain('- Académie de Montpellier\u00a0: 1 signée sur 3, 80\u00a0€ signés sur 160\u00a0€ attendus');
    expect(email.text).toContain('  - Département 66\u00a0: 0 signée sur 2, 0\u00a0€ signés sur 80\u00a0€ attendus');
    expect(email.html).toContain('<td style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left">34</td>');
  });

  it('uses the frame of every email, in French', () => {
    expect(email.html.startsWith('<!doctype html><html lang="fr">')).toBe(true);
    expect(email.html).toContain('mailto:ent-ecole@region-academique-occitanie.example.org');
  });

  it("attaches the day's lines as a CSV for Excel", () => {
    expect(email.attachments).toHaveLength(1);
    const [attachment] = email.attachments;
    expect(attachment!.filename).toBe('synthese-ent-ecole-2026-12-07.csv');
    expect(attachment!.contentType).toBe('text/csv; charset=utf-8');
    expect([...attachment!.content.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(attachment!.content).split('\r\n');
    expect(lines[0]).toBe("Rubrique;Date;Commune;SIRET;Département;Nombre d'écoles;Montant (€);Adresse;Détail;Référence");
    expect(lines[1]).toBe('Signature;07/12/2026;Lespignan;"=""21340135900012""";34;2;80,00;maire.lespignan@example.org;Marie DURAND;');
    expect(lines[2]).toBe('Refus;07/12/2026;Le Boulou;"=""21660024700011""";66;1;40,00;maire.leboulou@example.org;Le conseil municipal a voté contre <le 3 décembre>.;');
    expect(lines[3]).toBe('Adresse en échec;07/12/2026;;;;;;maire.pezilla@example.org;adresse rejetée : 550 5.1.1 mailbox unavailable;');
    expect(lines[4]).toMatch(/^Échéance;14\/12\/2026;Pézilla-la-Rivière;/);
    expect(lines[5]).toMatch(/^Échéance;18\/12\/2026;Pézilla-la-Rivière;.*;fin de validité du lien de signature;$/);
  });

  it("ends each convention's CSV line with its reference", () => {
    const withReference = digestEmail({ ...busyDay, signed: [{ ...signedLespignan, reference: 'ENT-2026-2027-34-0001' }] });
    const lines = new TextDecoder().decode(withReference.attachments[0]!.content).split('\r\n');
    expect(lines[1]!.endsWith(';Marie DURAND;ENT-2026-2027-34-0001')).toBe(true);
  });

  it('covers the weekend on a Monday when given the first day', () => {
    expect(digestEmail({ ...busyDay, from: '2026-12-05', day: '2026-12-07' }).text).toContain('du samedi 5 décembre 2026 au lundi 7 décembre 2026');
  });
});

describe('the daily digest of a quiet day', () => {
  const quietDay: DigestInput = { ...busyDay, day: '2026-12-08', signed: [], declined: [], undeliverable: [], dueSoon: [] };
  const email = digestEmail(quietDay);

  it('still goes out, saying nothing happened, so a missing digest means a fault', () => {
    expect(email.quiet).toBe(true);
    expect(email.subject).toBe('Conventions ENT-École, synthèse du 8 décembre 2026\u00a0: rien de nouveau');
    expect(email.text).toContain('Rien de nouveau le mardi 8 décembre 2026\u00a0: aucune signature, aucun refus, aucune adresse en échec.');
  });

  it('carries the totals and says nothing falls due', () => {
    expect(email.text).toContain('Montant attendu\u00a0: 160\u00a0€');
    expect(email.text).toContain('Aucune échéance dans les 14 prochains jours.');
    expect(email.text).not.toContain('== Signatures');
    expect(email.html).toContain('Où en est la campagne');
  });

  it('attaches no empty spreadsheet', () => {
    expect(email.attachments).toEqual([]);
  });

  it('attaches what falls due when something does', () => {
    const withDue = digestEmail({ ...quietDay, dueSoon: busyDay.dueSoon });
    expect(withDue.quiet).toBe(true);
    expect(withDue.attachments).toHaveLength(1);
  });
});

describe('the daily digest of a day the rectorat sent a link to another address', () => {
  const moved = convention(pezilla, 'sent', { id: 'c-pezilla', mayor: { ...pezilla.mayor, email: 'dgs@mairie-pezilla.example.org' } });
  const change = { at: '2026-12-08T14:30:00Z', previous: 'maire.pezilla@example.org', next: 'dgs@mairie-pezilla.example.org', actor: 'clerk@rectorat.example.org' };
  const email = digestEmail({ ...busyDay, day: '2026-12-08', signed: [], declined: [], undeliverable: [], dueSoon: [], addressChanges: [{ convention: moved, change }] });

  it('is news: the subject counts the change', () => {
    expect(email.quiet).toBe(false);
    expect(email.subject).toBe("Conventions ENT-École, synthèse du 8 décembre 2026\u00a0: 1 changement d’adresse");
  });

  it('names the commune, the convention, who asked, and the change as the history says it, the previous address masked', () => {
    expect(email.text).toContain('== Changements d’adresse (1)');
    expect(email.text).toContain(
      `- Pézilla-la-Rivière (66) – convention c-pezilla – le 8 décembre 2026 à 15 h 30 (heure de Paris), par clerk@rectorat.example.org – ${typeset(mayorEmailChangedText({ addressChange: { previous: 'm…@example.org', next: 'dgs@mairie-pezilla.example.org' } }))}`,
    );
    expect(email.text).toContain('changée à la demande du rectorat\u00a0: m…@example.org → dgs@mairie-pezilla.example.org\u202f;');
    expect(email.text).not.toContain('maire.pezilla@example.org');
    expect(email.html).not.toContain('maire.pezilla@example.org');
  });

  it('puts the change in the CSV, the previous address masked there too', () => {
    const lines = new TextDecoder().decode(email.attachments[0]!.content).split('\r\n');
    expect(lines[1]).toBe("Changement d'adresse;08/12/2026;Pézilla-la-Rivière;\"=\"\"21660140100013\"\"\";66;2;80,00;dgs@mairie-pezilla.example.org;m…@example.org → dgs@mairie-pezilla.example.org, par clerk@rectorat.example.org;");
  });
});

describe('the daily digest links to the console', () => {
  const base = 'https://paraphe.example.org';
  const email = digestEmail({ ...busyDay, consoleUrl: base, campaigns: ['2026-2027'] });

  it("links each convention it names to its console page, in HTML on the commune's name and in text on the next line", () => {
    expect(email.html).toContain(`<a href="${base}/console/conventions/${signedLespignan.id}">Lespignan (34)</a> – 2 écoles`);
    expect(email.html).toContain(`<a href="${base}/console/conventions/${declinedBoulou.id}">Le Boulou (66)</a> – refusée`);
    expect(email.html).toContain(`<a href="${base}/console/conventions/${sentPezilla.id}">Pézilla-la-Rivière (66)</a> – relance`);
    const text = email.text.split('\n');
    const signedAt = text.findIndex((line) => line.startsWith('- Lespignan (34)'));
    expect(text[signedAt + 1]).toBe(`  ${base}/console/conventions/${signedLespignan.id}`);
  });

  it('links the campaign of the totals to its console page', () => {
    expect(email.html).toContain(`<a href="${base}/console/campagnes/2026-2027">Campagne 2026-2027 dans la console</a>`);
    expect(email.text).toContain(`Campagne 2026-2027 dans la console\u00a0: ${base}/console/campagnes/2026-2027`);
  });

  it('links no bounced address (it names no convention), and nothing without a console URL', () => {
    expect(email.html).toMatch(/<li>maire\.pezilla@example\.org – adresse rejetée/);
    expect(digestEmail(busyDay).html).not.toContain('/console/');
  });
});
