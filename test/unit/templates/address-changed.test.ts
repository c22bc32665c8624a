import { describe, expect, it } from 'vitest';
import { addressChangedEmail } from '../../../templates/email/address-changed.ts';
import { maskEmail } from '../../../templates/format/email-address.ts';

describe('the notice to the previous address', () => {
  const email = addressChangedEmail({
    communeName: 'Lespignan',
    schoolYear: '2026-2027',
    at: '2026-12-08T14:30:00Z',
    next: 'dgs@mairie-lespignan.example.org',
    contactEmail: 'ent-ecole@rectorat.example.org',
  });

  it('says, in French, that the link of the commune’s convention went to another address at the rectorat’s request, and when', () => {
    expect(email.subject).toBe('Convention ENT-École 2026-2027 – commune de Lespignan\u00a0: lien de signature envoyé à une autre adresse');
    expect(email.text).toContain(
      'À la demande du rectorat, le lien de signature de la convention ENT-École de la commune de Lespignan pour l’année scolaire 2026-2027 a été envoyé le 8 décembre 2026 à 15 h 30 (heure de Paris) à une autre adresse (d…@mairie-lespignan.example.org).',
    );
    expect(email.html).toContain('<html lang="fr">');
  });

  it('never shows the new address in full, nor any link but the rectorat’s address', () => {
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toContain('dgs@');
      expect(part).not.toMatch(/https?:\/\//);
      expect(part).not.toContain('/sign/');
    }
    expect(email.html).toContain('mailto:ent-ecole@rectorat.example.org');
  });
});

describe('a masked address', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmail('maire.lespignan@example.org')).toBe('m…@example.org');
    expect(maskEmail('a@b.fr')).toBe('a…@b.fr');
    expect(maskEmail('sans-arobase')).toBe('…');
  });
});
