import { describe, expect, it } from 'vitest';
import { billedSchoolCount } from '../../../functions/domain/billing.ts';
import { billingCsv, billingCsvFilename } from '../../../templates/export/billing-csv.ts';
import { excelCsv, formatCsvAmount } from '../../../templates/export/csv.ts';
import type { Convention, ConventionStatus, School } from '../../../functions/domain/model.ts';
import { uai } from '../../fixtures/documents.ts';

const schools = (count: number, dept: string): School[] =>
  Array.from({ length: count }, (_, i) => ({ uai: uai(`0${dept}${String(1001 + i).padStart(4, '0')}`), type: 'primaire', name: '' }));

function convention(overrides: Partial<Convention> & { id: string; status: ConventionStatus }): Convention {
  const list = overrides.schools ?? schools(1, '34');
  const feeCents = overrides.feeCents ?? 4000;
  return {
    schoolYear: '2025-2026',
    commune: { name: 'Commune', siret: '21340135900012', address: 'Mairie' },
    mayor: { name: 'Maire', title: 'Maire', email: 'maire@example.org' },
    feeCents,
    amountCents: list.length * feeCents,
    endDate: '2026-09-05',
    createdAt: '2025-05-28T08:00:00.000Z',
    ...overrides,
    schools: list,
  };
}

const signature = (signedAt: string) => ({ signerName: 'Le maire', capacity: 'maire' as const, signedAt, ip: '192.0.2.1', userAgent: 'test' });
const countersignature = (countersignedAt: string) => ({
  signerName: 'Carole Drucker-Godard',
  signerTitle: 'Rectrice',
  byDelegation: false,
  countersignedAt,
  actor: 'rectorat',
  ip: '192.0.2.2',
  userAgent: 'test',
});

const executed = (id: string, name: string, siret: string, list: School[], feeCents = 4000, signedAt = '2025-06-10T09:00:00Z', countersignedAt = '2025-06-12T14:30:00Z') =>
  convention({
    id,
    status: 'executed',
    commune: { name, siret, address: 'Mairie' },
    schools: list,
    feeCents,
    amountCents: list.length * feeCents,
    signedAt,
    signature: signature(signedAt),
    executedAt: countersignedAt,
    countersignature: countersignature(countersignedAt),
  });

const lespignan = executed('c-lespignan', 'Lespignan', '21340135900012', [
  { uai: '0341401N', type: 'maternelle', name: '' },
  { uai: '0341406U', type: 'elementaire', name: '' },
]);
const leBoulou = executed('c-boulou', 'Le Boulou', '21660024700011', [{ uai: '0660713S', type: 'elementaire', name: 'LA SUBERAIE' }], 4000, '2025-06-30T22:30:00Z', '2025-12-31T23:15:00Z');
const pezilla = executed('c-pezilla', 'Pézilla-la-Rivière', '21660140100013', [
  { uai: '0660446B', type: 'maternelle', name: 'MARIE MELIES' },
  { uai: '0660710N', type: 'elementaire', name: 'SARDA GARRIGA' },
]);
/** Three schools at 40 € and sixty at 45 €: totals a float would get wrong. */
const blagnac = executed('c-blagnac', 'Blagnac', '21310069600011', schools(3, '31'));
const toulouse = executed('c-toulouse', 'Toulouse', '21310555400017', schools(60, '31'), 4500);

const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
const linesOf = (bytes: Uint8Array) => decode(bytes).replace(/^\ufeff/, '').split('\r\n').slice(0, -1);

describe('billing.csv', () => {
  const bytes = billingCsv([
    toulouse,
    convention({ id: 'c-draft', status: 'draft', commune: { name: 'Brouillon', siret: '21340135900012', address: '' } }),
    pezilla,
    convention({ id: 'c-sent', status: 'sent' }),
    lespignan,
    convention({ id: 'c-signed', status: 'signed', signature: signature('2025-06-01T10:00:00Z') }),
    leBoulou,
    convention({ id: 'c-declined', status: 'declined' }),
    blagnac,
  ]);
  const lines = linesOf(bytes);

  it('opens in French Excel: UTF-8 with BOM, « ; », CRLF', () => {
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(decode(bytes).endsWith('\r\n')).toBe(true);
    expect(decode(bytes).replace(/\r\n/g, '')).not.toContain('\n');
    expect(lines[0]).toBe(
      "Commune;SIRET;Département;Académie;Année scolaire;Nombre d'écoles;Participation par école (€);Montant (€);Date de signature (commune);Date de contresignature (rectorat);Avenant (effet);" +
        'Adresse;Référence;Délibération (n°);Délibération (date);Titre de perception (n°);Titre de perception (date)',
    );
  });

  it('lists only executed conventions, by département then commune', () => {
    expect(lines.slice(1, -1).map((line) => line.split(';')[0])).toEqual(['Blagnac', 'Toulouse', 'Lespignan', 'Le Boulou', 'Pézilla-la-Rivière']);
  });

  it('writes each line exact to the cent, with the dates in Paris', () => {
    expect(lines[3]).toBe('Lespignan;"=""21340135900012""";34;Montpellier;2025-2026;2;40,00;80,00;10/06/2025;12/06/2025;;Mairie;;;;;');
    // 22:30Z on 30 June is 1 July in Paris; 23:15Z on 31 December is 1 January.
    expect(lines[4]).toBe('Le Boulou;"=""21660024700011""";66;Montpellier;2025-2026;1;40,00;40,00;01/07/2025;01/01/2026;;Mairie;;;;;');
    expect(lines[1]).toBe('Blagnac;"=""21310069600011""";31;Toulouse;2025-2026;3;40,00;120,00;10/06/2025;12/06/2025;;Mairie;;;;;');
    expect(lines[2]).toContain(';60;45,00;2700,00;');
  });

  it('ends with a Total line summing schools and cents exactly', () => {
    // 2 + 1 + 2 + 3 schools at 40 € and 60 at 45 €: 320 € + 2 700 €.
    expect(lines.at(-1)).toBe('Total;;;;;68;;3020,00;;;;;;;;;');
  });

  it('keeps an executed convention that reached its end date: it was invoiced', () => {
    const expired = { ...lespignan, status: 'expired' as const };
    const unsigned = convention({ id: 'c-expired', status: 'expired' });
    expect(linesOf(billingCsv([expired, unsigned])).slice(1, -1)).toHaveLength(1);
  });

  it("writes the avenant's effect given by id, else the one the convention records", () => {
    const effects = new Map([['c-lespignan', 'Baisse envoyée après le 15 octobre : facturée sur 2 écoles']]);
    const withRecorded = { ...leBoulou, avenants: [{ id: 'a-1', signedAt: '2025-09-20T10:00:00Z', effect: 'Ajout de 1 école; 2 écoles facturées' }] };
    const csv = linesOf(billingCsv([lespignan, withRecorded], effects));
    expect(csv[1]!.split(';')[10]).toBe('Baisse envoyée après le 15 octobre : facturée sur 2 écoles');
    expect(csv[2]!).toContain(';"Ajout de 1 école; 2 écoles facturées";');
  });

  it('bills the count the amount pays for when a late decrease left fewer schools on the list', () => {
    const lateDecrease = { ...lespignan, schools: lespignan.schools.slice(0, 1), amountCents: 8000 };
    expect(billedSchoolCount(lateDecrease)).toBe(2);
  });

  it('neutralises a commune name that Excel would run as a formula', () => {
    const hostile = executed('c-x', '=HYPERLINK("http://x")', '21340135900012', schools(1, '34'));
    expect(linesOf(billingCsv([hostile]))[1]!.startsWith('"\'=HYPERLINK(""http://x"")";')).toBe(true);
  });

  it('gives a finance office what a titre de perception needs: address, reference, délibération, and the titre once recorded', () => {
    const ready = {
      ...lespignan,
      reference: 'ENT-2025-2026-34-0007',
      commune: { ...lespignan.commune, address: 'PLACE JEAN POVEDA, 34710 LESPIGNAN' },
      signature: { ...signature('2025-06-10T09:00:00Z'), deliberation: { number: '2025/041', date: '2025-06-03' } },
      titre: { number: 'T-2025-000184', date: '2025-07-15', recordedAt: '2025-07-15T10:00:00Z', actor: 'finance@rectorat.example.org' },
    };
    const [header, line] = linesOf(billingCsv([ready]));
    const cells = Object.fromEntries(header!.split(';').map((name, index) => [name, line!.split(';')[index]]));
    expect(cells).toMatchObject({
      Adresse: 'PLACE JEAN POVEDA, 34710 LESPIGNAN',
      Référence: 'ENT-2025-2026-34-0007',
      'Délibération (n°)': '2025/041',
      'Délibération (date)': '03/06/2025',
      'Titre de perception (n°)': 'T-2025-000184',
      'Titre de perception (date)': '15/07/2025',
      'Montant (€)': '80,00',
    });
  });

  it('limited to what is still to invoice, leaves out the conventions whose titre is recorded, and totals the rest', () => {
    const invoiced = { ...lespignan, titre: { number: 'T-1', date: '2025-07-15', recordedAt: '2025-07-15T10:00:00Z', actor: 'x' } };
    const rest = linesOf(billingCsv([invoiced, leBoulou, pezilla], undefined, { toInvoiceOnly: true }));
    expect(rest.slice(1, -1).map((line) => line.split(';')[0])).toEqual(['Le Boulou', 'Pézilla-la-Rivière']);
    expect(rest.at(-1)).toContain('Total;;;;;3;;120,00;');
    expect(linesOf(billingCsv([invoiced, leBoulou, pezilla])).slice(1, -1)).toHaveLength(3);
  });

  it('is named after the school year', () => {
    expect(billingCsvFilename('2025-2026')).toBe('facturation-ent-ecole-2025-2026.csv');
  });
});

describe('amounts for French Excel', () => {
  it.each([
    [8000, '80,00'],
    [4050, '40,50'],
    [5, '0,05'],
    [0, '0,00'],
    [270000, '2700,00'],
    [123456789, '1234567,89'],
    [-1250, '-12,50'],
  ])('%i cents → %s', (cents, written) => {
    expect(formatCsvAmount(cents)).toBe(written);
  });

  it('refuses a fraction of a cent', () => {
    expect(() => formatCsvAmount(0.5)).toThrow();
  });

  it('quotes only the cells that need it', () => {
    expect(decode(excelCsv([['a;b', 'c"d', 'e\nf', 'plain', 12]]))).toBe('\ufeff"a;b";"c""d";"e\nf";plain;12\r\n');
  });
});
