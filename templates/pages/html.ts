/** Escaping and the page frame shared by every page a mayor sees. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** A tagged template that escapes every interpolated value unless it is marked safe with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export const raw = (value: string): SafeHtml => new SafeHtml(value);

type Interpolation = string | number | SafeHtml | undefined | null | false | Interpolation[];

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return raw(strings.reduce((out, part, index) => out + part + (index < values.length ? render(values[index]!) : ''), ''));
}

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#161616;background:#f6f6f6;line-height:1.5;font-size:1rem}
header{background:#fff;border-bottom:4px solid #000091;padding:.75rem 1rem}
header p{margin:0;font-weight:700}header small{font-weight:400;color:#3a3a3a}
main{max-width:42rem;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid #ddd;padding:1rem;margin:0 0 1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin:0 0 .5rem}
dl{margin:0}dt{font-weight:700}dd{margin:0 0 .5rem}
ul{padding-left:1.25rem}
label{display:block;font-weight:700;margin:.75rem 0 .25rem}
input[type=text],input[type=date],textarea{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:0;border-bottom:2px solid #3a3a3a;background:#eee}
fieldset{border:0;padding:0;margin:.75rem 0}legend{font-weight:700}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0}.choice input{width:1.25rem;height:1.25rem;margin-top:.15rem}.choice label{font-weight:400;margin:0}
button,.button{display:inline-block;background:#000091;color:#fff;border:0;padding:.75rem 1.25rem;font-size:1rem;text-decoration:none;cursor:pointer;margin-top:1rem}
.secondary{background:#fff;color:#000091;border:1px solid #000091}
.error{color:#ce0500;font-weight:700}.alert{border-left:4px solid #ce0500;padding:.5rem 1rem;background:#fff}
.success{border-left:4px solid #18753c;padding:.5rem 1rem;background:#fff}
.hash{font-family:monospace;word-break:break-all;font-size:.85rem}
footer{max-width:42rem;margin:0 auto;padding:1rem;color:#3a3a3a;font-size:.875rem}
a{color:#000091}
summary{cursor:pointer;color:#000091;font-weight:700}
`;

export function page(options: { title: string; body: SafeHtml; contactEmail: string }): string {
  return `<!doctype html>${html`<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title} – Paraphe</title><style>${raw(STYLE)}</style></head><body><header><p>Région académique Occitanie<br><small>Conventions ENT-École</small></p></header><main>${options.body}</main><footer>Une question ? Écrivez au rectorat : <a href="mailto:${options.contactEmail}">${options.contactEmail}</a>.</footer></body></html>`}`;
}
