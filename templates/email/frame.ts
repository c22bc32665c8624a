import { html, type SafeHtml } from '../pages/html.ts';

/** The frame of every email: simple, inline styles, readable on a phone and an old webmail. */
export function emailFrame(title: string, body: SafeHtml, contactEmail: string): string {
  return `<!doctype html>${html`<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body style="margin:0;padding:16px;font-family:Arial,sans-serif;color:#161616;line-height:1.5"><div style="max-width:600px;margin:0 auto"><p style="border-bottom:4px solid #000091;padding-bottom:8px;font-weight:bold">Région académique Occitanie – Conventions ENT-École</p>${body}<p style="color:#3a3a3a;font-size:14px">Une question ? Écrivez au rectorat : <a href="mailto:${contactEmail}">${contactEmail}</a>.</p></div></body></html>`}`;
}

/**
 * The convention's reference, which the mairie quotes to the rectorat and finds on the titre de perception:
 * a line of text and a paragraph, or nothing for a convention added before references.
 */
export function referenceLines(convention: { reference?: string }): { text: string[]; html: SafeHtml | '' } {
  if (!convention.reference) return { text: [], html: '' };
  return {
    text: [`Référence de la convention : ${convention.reference}`, ''],
    html: html`<p>Référence de la convention : <strong>${convention.reference}</strong></p>`,
  };
}
