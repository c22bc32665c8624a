/** The convention texts shipped in templates/convention/models/, each with the SHA-256 of its file. */
import { sha256Hex } from '../domain/sha256.ts';
import type { ConventionTexts } from '../use-cases/ports.ts';
import { loadConventionModelFiles } from '../../templates/convention/models.ts';

export function createShippedConventionTexts(): ConventionTexts {
  return {
    list: () =>
      loadConventionModelFiles().map(({ content, model }) => ({
        schoolYear: model.model,
        party: model.party,
        feeCents: model.feeCents,
        content,
        sha256: sha256Hex(content),
      })),
  };
}
