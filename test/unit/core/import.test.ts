import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCsv, detectSeparator, parseCsv } from '../../../functions/use-cases/input/import/read-csv.ts';
import { mapColumns, normalizeHeader, schoolTypeOf } from '../../../functions/use-cases/input/import/columns.ts';
import { planImport, planImportFile, rejectTaken, type ImportReport } from '../../../functions/use-cases/input/import/import-rows.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url)));
const utf8File = fixture('communes-2025-2026-utf8.csv');
const cp1252File = fixture('communes-2025-2026-cp1252.csv');

const HEADER = "Commune;SIRET;Code INSEE;Adresse;Nom du maire;Qualité;Courriel du maire;UAI;Type d'école;Nom de l'école";
const LESPIGNAN = 'Lespignan;21340135900012;34135;PLACE JEAN POVEDA, 34710 LESPIGNAN;Jean François GUIBBERT;Maire;maire.lespignan@example.org';
const plan = (...lines: string[]) => planImport(parseCsv([HEADER, ...lines].join('\n')));

describe('decoding the file', () => {
  it('reads UTF-8 with a BOM and drops the BOM', () => {
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Pézilla;Œuvre')]))).toBe('Pézilla;Œuvre');
  });

  it('reads UTF-8 without a BOM', () => {
    expect(decodeCsv(new TextEncoder().encode('Qualité;Nom de l’école'))).toBe('Qualité;Nom de l’école');
  });

  it("reads Excel's Windows-1252 when the bytes are not UTF-8, including ’ œ € of 0x80-0x9F", () => {
    // "Pézilla", "l’école", "CŒUR", "cœur", "40 €"
    const bytes = new Uint8Array([0x50, 0xe9, 0x7a, 0x69, 0x6c, 0x6c, 0x61, 0x2c, 0x6c, 0x92, 0xe9, 0x63, 0x6f, 0x6c, 0x65, 0x2c, 0x43, 0x8c, 0x55, 0x52, 0x2c, 0x63, 0x9c, 0x75, 0x72, 0x2c, 0x34, 0x30, 0x20, 0x80]);
    expect(decodeCsv(bytes)).toBe('Pézilla,l’école,CŒUR,cœur,40 €');
  });

  it('gives the same text from both fixture files, but for the separator and the line ends', () => {
    const utf8 = decodeCsv(utf8File);
    const cp1252 = decodeCsv(cp1252File);
    expect(cp1252).toContain('Pézilla-la-Rivière');
    expect(cp1252).toContain('CŒUR DE VILLE');
    expect(cp1252).toContain('Type d’école');
    expect(utf8).toContain('CŒUR DE VILLE');
  });
});

describe('splitting the file into rows', () => {
  it('detects « ; » or « , » from the header line', () => {
    expect(detectSeparator('Commune;SIRET;Adresse, bis\nx')).toBe(';');
    expect(detectSeparator('Commune,SIRET,"Adresse; bis"\r\nx')).toBe(',');
  });

  it('unquotes RFC 4180 cells: separators, doubled quotes, line breaks', () => {
    const rows = parseCsv('a;b;c\r\n"1; un";"dit ""bonjour""";"deux\r\nlignes"\r\nx;y;z\r\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1; un', 'dit "bonjour"', 'deux\r\nlignes'] },
      { line: 4, cells: ['x', 'y', 'z'] },
    ]);
  });

  it('skips blank lines and rows of empty cells, keeping the physical line numbers', () => {
    const rows = parseCsv('a,b\n\n1,2\n,\r\n  \n3,4');
    expect(rows.map((row) => row.line)).toEqual([1, 3, 6]);
    expect(rows.at(-1)!.cells).toEqual(['3', '4']);
  });

  it('refuses a quote that never closes, naming its line', () => {
    expect(() => parseCsv('a;b\n1;2\n"3;4\n5;6\n')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', issues: [expect.objectContaining({ message: expect.stringContaining('Ligne 3') })] }));
  });
});

describe('the columns', () => {
  it('recognises headers whatever their case, accents, spaces and language', () => {
    expect(normalizeHeader(" Nom de l'École ")).toBe('nomdelecole');
    const columns = mapColumns(['Town', 'siret', 'INSEE', 'Address', 'Mayor', 'Title', 'E-mail', 'uai', 'School type', 'School name']);
    expect(columns).toEqual({ communeName: 0, siret: 1, insee: 2, address: 3, mayorName: 4, mayorTitle: 5, mayorEmail: 6, uai: 7, schoolType: 8, schoolName: 9 });
  });

  it('names every missing required column', () => {
    try {
      mapColumns(['Commune', 'SIRET', 'Adresse', 'Nom du maire', 'UAI', "Type d'école"]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      const messages = (error as { issues: { message: string }[] }).issues.map((issue) => issue.message);
      expect(messages).toEqual([
        'La colonne « Code INSEE » est absente de la première ligne du fichier.',
        'La colonne « Courriel du maire » est absente de la première ligne du fichier.',
      ]);
    }
  });

  it('refuses two columns for one field', () => {
    expect(() => mapColumns([...HEADER.split(';'), 'Email'])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ message: expect.stringContaining('« Courriel du maire » et « Email »') })] }));
  });

  it.each([
    ['ECOLE MATERNELLE PUBLIQUE', 'maternelle'],
    ['maternelle', 'maternelle'],
    ['E.M.PU', 'maternelle'],
    ['élémentaire', 'elementaire'],
    ['elementaire', 'elementaire'],
    ["ECOLE ELEMENTAIRE D'APPLICATION", 'elementaire'],
    ['EEPU', 'elementaire'],
    ['Primaire', 'primaire'],
    ['ÉCOLE PRIMAIRE PUBLIQUE', 'primaire'],
    ['maternelle et élémentaire', 'primaire'],
    ['collège', undefined],
  ])('reads the school type « %s » as %s', (written, type) => {
    expect(schoolTypeOf(written)).toBe(type);
  });
});

describe('planning the import of the fixture file', () => {
  const expectedRejections = [
    [6, 'Pézilla-la-Rivière', 'Rejetée avec la commune Pézilla-la-Rivière : la ligne 7 est invalide.'],
    [7, 'Pézilla-la-Rivière', "Le code UAI 0660710M n'est pas valide : sa lettre de contrôle devrait être N."],
    [8, 'Blagnac', "Le SIRET 21310069600012 n'est pas valide : sa clé de contrôle ne correspond pas (vérifiez-le sur l'avis de situation INSEE)."],
    [9, 'Colomiers', 'Le courriel du maire est manquant.'],
    [10, 'Colomiers', 'Le courriel du maire est manquant.'],
    [11, 'Auch', "Le courriel du maire « mairie.auch.example.org » n'est pas valide (par exemple mairie@commune.fr)."],
    [12, 'Montauban', "L'école 0821401C figure plusieurs fois dans le fichier (lignes 12 et 14)."],
    [13, 'Montauban', 'Rejetée avec la commune Montauban : les lignes 12 et 14 sont invalides.'],
    [14, 'Montauban', "L'école 0821401C figure plusieurs fois dans le fichier (lignes 12 et 14)."],
    [15, 'Rodez', 'Rejetée avec la commune Rodez : la ligne 16 est invalide.'],
    [16, 'Rodez', 'Cette ligne ne donne pas le même nom de maire que la ligne 15 pour le SIRET 21120202300019 (« Jean DUPONT » au lieu de « Christian TEYSSÈDRE »).'],
    [17, 'Albi', 'Le code INSEE « 810 » doit compter 5 caractères (par exemple 34135, ou 2A004 en Corse).'],
    [18, 'Tarbes', "Le type d'école « collège » n'est pas reconnu : indiquez maternelle, élémentaire ou primaire."],
    [23, 'Tournefeuille', "Le code INSEE 31557 figure aussi ligne 24 (SIRET 21310557000021) : une commune n'a qu'une convention, sous un seul SIRET."],
    [24, 'Tournefeuille', "Le code INSEE 31557 figure aussi ligne 23 (SIRET 21310557000013) : une commune n'a qu'une convention, sous un seul SIRET."],
  ].map(([line, commune, reason]) => ({ line, commune, reason }));

  it.each([
    ['UTF-8 with « ; »', utf8File],
    ['Windows-1252 with « , », other headers and column order', cp1252File],
  ])('the %s file: every rejected row with its line and its reason in French', (_, bytes) => {
    expect(planImportFile(bytes).rejected).toEqual(expectedRejections);
  });

  it('imports the valid communes whole, one convention each, schools in file order', () => {
    const { communes } = planImportFile(utf8File);
    expect(communes.map((commune) => [commune.convention.commune.name, commune.siret, commune.lines])).toEqual([
      ['Lespignan', '21340135900012', [2, 3]],
      ['Le Boulou', '21660024700011', [4]],
      ['Cahors', '21460042100017', [19]],
      ['Foix', '21090122900018', [20]],
      ['Balma', '21310044900015', [22]],
    ]);
    expect(communes[0]!.convention).toEqual({
      commune: { name: 'Lespignan', siret: '21340135900012', address: 'PLACE JEAN POVEDA, 34710 LESPIGNAN' },
      mayor: { name: 'Jean François GUIBBERT', title: 'Maire', email: 'maire.lespignan@example.org' },
      schools: [
        { uai: '0341401N', type: 'maternelle', name: '' },
        { uai: '0341406U', type: 'elementaire', name: '' },
      ],
    });
  });

  it('reads quoted cells, a two-line address, a lowercased email and a four-digit INSEE code Excel shortened', () => {
    const { communes } = planImportFile(cp1252File);
    const cahors = communes.find((commune) => commune.convention.commune.name === 'Cahors')!;
    expect(cahors.convention.commune.address).toBe('73 boulevard Gambetta; 46000 CAHORS');
    expect(cahors.convention.mayor.email).toBe('maire.cahors@example.org');
    expect(cahors.convention.schools).toEqual([{ uai: '0461801H', type: 'primaire', name: 'ÉCOLE "LES TILLEULS"' }]);
    const foix = communes.find((commune) => commune.convention.commune.name === 'Foix')!;
    expect(foix.insee).toBe('09122');
    expect(foix.convention.commune.address).toBe('Hôtel de ville, 45 cours Gabriel Fauré, 09000 FOIX');
    expect(foix.convention.mayor.title).toBe('Pour le Maire et par délégation, Directeur Général des Services');
    expect(foix.convention.schools[0]!.name).toBe('CŒUR DE VILLE');
  });

  it('plans the same import from both encodings', () => {
    expect(planImportFile(cp1252File)).toEqual(planImportFile(utf8File));
  });
});

describe('the rules of a row', () => {
  it('accepts 2A and 2B INSEE codes and refuses one of the wrong length', () => {
    const corsica = 'Ajaccio;21200004600012;2A004;Hôtel de ville;Stéphane SBRAGGIA;Maire;maire@ajaccio.example.org';
    expect(plan(`${corsica};6200001G;maternelle;`).rejected.filter((row) => row.reason.includes('5 caractères'))).toEqual([]);
    expect(plan(`${LESPIGNAN.replace('34135', '341350')};0341401N;maternelle;`).rejected[0]!.reason).toContain('« 341350 » doit compter 5 caractères');
  });

  it("refuses an INSEE code of another département than the school's", () => {
    expect(plan(`${LESPIGNAN.replace('34135', '66135')};0341401N;maternelle;`).rejected).toEqual([
      { line: 2, commune: 'Lespignan', reason: "Le code INSEE 66135 n'est pas du département de l'école 0341401N (34) : l'un des deux est erroné." },
    ]);
  });

  it('refuses rows of one SIRET that disagree on the commune name or the email', () => {
    const { rejected } = plan(`${LESPIGNAN};0341401N;maternelle;`, `${LESPIGNAN.replace('Lespignan;', 'Lespignan-Village;').replace('maire.lespignan@', 'dgs.lespignan@')};0341406U;elementaire;`);
    expect(rejected[1]!.reason).toBe(
      'Cette ligne ne donne pas le même nom de commune que la ligne 2 pour le SIRET 21340135900012 (« Lespignan-Village » au lieu de « Lespignan »). ' +
        'Cette ligne ne donne pas le même courriel du maire que la ligne 2 pour le SIRET 21340135900012 (« dgs.lespignan@example.org » au lieu de « maire.lespignan@example.org »).',
    );
    expect(rejected[0]!.reason).toBe('Rejetée avec la commune Lespignan : la ligne 3 est invalide.');
  });

  it('refuses a school listed under two communes, in both', () => {
    const boulou = 'Le Boulou;21660024700011;66024;AVENUE LEON JEAN GREGORY, 66160 LE BOULOU;François COMES;Maire;maire.leboulou@example.org';
    const { communes, rejected } = plan(`${boulou};0660713S;élémentaire;`, `${LESPIGNAN};0341401N;maternelle;`, `${boulou.replace('21660024700011', '21660140100013').replace('Le Boulou', 'Pézilla').replace('66024', '66140')};0660713S;élémentaire;`);
    expect(communes.map((commune) => commune.convention.commune.name)).toEqual(['Lespignan']);
    expect(rejected.map((row) => [row.line, row.reason])).toEqual([
      [2, "L'école 0660713S figure plusieurs fois dans le fichier (lignes 2 et 4)."],
      [4, "L'école 0660713S figure plusieurs fois dans le fichier (lignes 2 et 4)."],
    ]);
  });

  it('refuses a file without any school row', () => {
    expect(() => plan()).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('invisible characters in a row', () => {
  it("refuses the row whose school name holds a right-to-left override, and the rest of its commune with it", () => {
    const { communes, rejected } = plan(`${LESPIGNAN};0341401N;maternelle;Les Pins`, `${LESPIGNAN};0341406U;elementaire;Jules \u202eFerry`);
    expect(communes).toEqual([]);
    expect(rejected).toEqual([
      { line: 2, commune: 'Lespignan', reason: 'Rejetée avec la commune Lespignan : la ligne 3 est invalide.' },
      { line: 3, commune: 'Lespignan', reason: expect.stringContaining("Le nom de l'école contient un caractère invisible qui change le sens de lecture (U+202E)") },
    ]);
  });

  it('refuses every row of a commune whose name holds a control character, each with the reason', () => {
    const { rejected } = plan(`${LESPIGNAN.replace('Lespignan;', 'Lespi\u0007gnan;')};0341401N;maternelle;`, `${LESPIGNAN.replace('Lespignan;', 'Lespi\u0007gnan;')};0341406U;elementaire;`);
    expect(rejected.map((row) => row.line)).toEqual([2, 3]);
    for (const row of rejected) expect(row.reason).toBe('Le nom de la commune contient un caractère de contrôle invisible (U+0007) : retapez-le au clavier plutôt que de le copier-coller.');
  });
});

describe('schools already in a convention', () => {
  it("refuses the commune whose school another commune's convention holds, naming that commune", () => {
    const planned = planImportFile(utf8File);
    const result = rejectTaken(planned, new Map([['0341406U', { communeName: 'Sérignan', siret: '21340302100016' }]]));
    expect(result.communes.map((commune) => commune.convention.commune.name)).toEqual(['Le Boulou', 'Cahors', 'Foix', 'Balma']);
    expect(result.rejected.filter((row) => row.commune === 'Lespignan')).toEqual([
      { line: 2, commune: 'Lespignan', reason: "Rejetée avec la commune Lespignan : l'école de la ligne 3 est déjà dans la convention d'une autre commune." },
      { line: 3, commune: 'Lespignan', reason: "L'école 0341406U figure déjà dans la convention de la commune Sérignan." },
    ]);
    expect(result.rejected).toHaveLength(planned.rejected.length + 2);
  });

  it('takes a bare commune name as held by another commune', () => {
    const result = rejectTaken(planImportFile(utf8File), new Map([['0660713S', 'Céret']]));
    expect(result.rejected.find((row) => row.line === 4)!.reason).toBe("L'école 0660713S figure déjà dans la convention de la commune Céret.");
  });

  it('importing the same file again refuses nothing more: its schools are held by the same SIRETs', () => {
    const first = planImportFile(utf8File);
    const held = new Map(first.communes.flatMap((commune) => commune.convention.schools.map((school) => [school.uai, { communeName: commune.convention.commune.name, siret: commune.siret }] as const)));
    const again = rejectTaken(planImportFile(utf8File), held);
    expect(again).toEqual(first);
    const report: ImportReport = { imported: 0, unchanged: again.communes.length, rejected: again.rejected };
    expect(report.unchanged).toBe(5);
  });
});

describe("a convention's own end date", () => {
  const withEnd = (...lines: string[]) => planImport(parseCsv([`${HEADER};Date de fin`, ...lines].join('\n')));

  it('is read from the « Date de fin » column, in French (JJ/MM/AAAA) or ISO form, for the whole commune', () => {
    const { communes, rejected } = withEnd(
      `${LESPIGNAN};0341401N;maternelle;;01/09/2024`,
      `${LESPIGNAN};0341406U;elementaire;;2024-09-01`,
    );
    expect(rejected).toEqual([]);
    expect(communes[0]!.convention.endDate).toBe('2024-09-01');
  });

  it("is left to the campaign's when the column is empty or absent", () => {
    expect(withEnd(`${LESPIGNAN};0341401N;maternelle;;`).communes[0]!.convention.endDate).toBeUndefined();
    expect(plan(`${LESPIGNAN};0341401N;maternelle;`).communes[0]!.convention.endDate).toBeUndefined();
  });

  it('refuses a commune whose rows disagree on it, and a date that is not one', () => {
    const disagree = withEnd(`${LESPIGNAN};0341401N;maternelle;;01/09/2024`, `${LESPIGNAN};0341406U;elementaire;;05/09/2024`);
    expect(disagree.communes).toEqual([]);
    expect(disagree.rejected[1]!.reason).toContain('ne donne pas la même date de fin que la ligne 2');
    expect(withEnd(`${LESPIGNAN};0341401N;maternelle;;5 sept.`).rejected[0]!.reason).toContain('La date de fin « 5 sept. » doit s\'écrire JJ/MM/AAAA ou AAAA-MM-JJ');
    expect(withEnd(`${LESPIGNAN};0341401N;maternelle;;31/02/2024`).rejected[0]!.reason).toContain("n'est pas une date du calendrier");
  });
});
