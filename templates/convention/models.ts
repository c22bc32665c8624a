/**
 * Convention texts as data: one JSON file per school year in `models/`.
 * A new school year's text is a new file; `chooseModel` picks the latest
 * model not after the campaign's year, so a 2026-2027 campaign runs on the
 * 2025-2026 text until a 2026-2027 file exists.
 *
 * Placeholders `{{name}}` are filled by the renderer. Items are either a
 * justified paragraph (a plain string), a styled line, a bullet list, or the
 * list of schools.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Align } from './pdf/layout.ts';

export type ItemStyle = 'title' | 'heading' | 'subheading' | 'strong' | 'line' | 'body' | 'small';

export type ModelItem =
  | string
  | { text: string; style?: ItemStyle; align?: Align; spaceBefore?: number; spaceAfter?: number }
  | { bullets: string[] }
  | { schools: true }
  /** A named list of lines given by the renderer (the avenant's old and new lists). */
  | { list: string };

export interface ConventionModel {
  /** School year of the text, "2025-2026". */
  model: string;
  /** Who signs for the rectorat: l'Académie de Montpellier until 2021-2022, the Région académique Occitanie since. */
  party: 'academie-montpellier' | 'region-academique-occitanie';
  /** The fee per school its year's campaign charged, in cents (a campaign with another fee is warned). */
  feeCents: number;
  title: string;
  /** Left part of every page's footer. */
  footer: string;
  /** First page: parties and preamble. */
  front: ModelItem[];
  /** Articles 1 to 11, in order. */
  articles: ModelItem[];
  /** "À {{issuePlace}}, le {{issueDate}}". */
  issued: string;
  /** One column of lines per signatory, the commune's first. */
  signatures: string[][];
  /** After the signatures, from a new page (the 2021-2022 text's « ANNEXE 1 », its list of schools). */
  annex?: ModelItem[];
}

const MODELS_DIR = new URL('./models/', import.meta.url);

/** A model file as shipped: its exact text (what a campaign pins, by its SHA-256) and what it says. */
export interface ConventionModelFile {
  content: string;
  model: ConventionModel;
}

let cached: ConventionModelFile[] | undefined;

/** Every model file shipped, oldest first. Reads the folder once (bundlers: swap this function). */
export function loadConventionModelFiles(): ConventionModelFile[] {
  cached ??= readdirSync(MODELS_DIR)
    .filter((file) => /^\d{4}-\d{4}\.json$/.test(file))
    .sort()
    .map((file) => readFileSync(new URL(file, MODELS_DIR), 'utf8'))
    .map((content) => ({ content, model: parseConventionModel(content) }));
  return cached;
}

/** Every model shipped, oldest first. */
export function loadConventionModels(): ConventionModel[] {
  return loadConventionModelFiles().map((file) => file.model);
}

/** A model from the text of its file (shipped, or pinned by a campaign). */
export function parseConventionModel(content: string): ConventionModel {
  return JSON.parse(content) as ConventionModel;
}

const startYear = (schoolYear: string): number => {
  const match = /^(\d{4})-(\d{4})$/.exec(schoolYear);
  if (!match || Number(match[2]) !== Number(match[1]) + 1) throw new Error(`année scolaire invalide : « ${schoolYear} »`);
  return Number(match[1]);
};

/** The requested model, or the latest one whose year is not after `schoolYear`. */
export function chooseModel(models: ConventionModel[], schoolYear: string, requested?: string): ConventionModel {
  if (requested) {
    const found = models.find((m) => m.model === requested);
    if (!found) throw new Error(`modèle de convention inconnu : « ${requested} » (disponibles : ${models.map((m) => m.model).join(', ')})`);
    return found;
  }
  const year = startYear(schoolYear);
  const eligible = models.filter((m) => startYear(m.model) <= year);
  const latest = eligible[eligible.length - 1];
  if (!latest) throw new Error(`aucun modèle de convention pour l'année scolaire ${schoolYear}`);
  return latest;
}

/** Every character a model's text may draw (for the font subset). */
export function modelCharacters(model: ConventionModel): string {
  return JSON.stringify(model);
}
