/** GET /console/taches: the latest jobs (sends, imports, countersignatures, reminders, digests), each with its state and progress. */
import type { JobView } from '../../../functions/domain/jobs/job-view.ts';
import { formatInteger, formatParisDateTime } from '../../format/french.ts';
import { html, type SafeHtml } from '../html.ts';
import { consolePage, type ConsoleUser } from './layout.ts';

export const JOB_STATE_LABEL: Record<JobView['state'], string> = { running: 'En cours', done: 'Terminée', failed: 'Échouée' };
export const JOB_STATE_BADGE: Record<JobView['state'], string> = { running: 'fr-badge--info', done: 'fr-badge--success', failed: 'fr-badge--error' };

export const jobTitle = (job: JobView): string => job.label ?? `Tâche ${job.kind}`;

/** "12 sur 40, dont 1 en échec". */
export function jobProgress(job: JobView): string {
  return `${formatInteger(job.done)} sur ${formatInteger(job.total)}${job.failedCount ? `, dont ${formatInteger(job.failedCount)} en échec` : ''}`;
}

/** A table of jobs, each linked to its page. */
export function jobsTable(jobs: readonly JobView[], caption: string): SafeHtml {
  return html`<div class="fr-table"><table tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">Tâche</th><th scope="col">État</th><th scope="col">Avancement</th><th scope="col">Commencée le</th></tr></thead>
<tbody>${jobs.map(
    (job) => html`<tr><td><a href="/console/taches/${job.id}">${jobTitle(job)}</a></td><td><p class="fr-badge fr-badge--sm ${JOB_STATE_BADGE[job.state]}">${JOB_STATE_LABEL[job.state]}</p></td><td>${jobProgress(job)}</td><td>${formatParisDateTime(job.startedAt)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function jobsPage(input: { jobs: readonly JobView[]; limit: number; user: ConsoleUser }): string {
  const { jobs } = input;
  const body = html`<h1>Tâches</h1>
<p>Les envois de campagne, importations, contresignatures, rappels et synthèses quotidiennes, les plus récents d'abord (au plus ${formatInteger(input.limit)}). Rechargez la page pour suivre leur avancement.</p>
${jobs.length ? jobsTable(jobs, `Les ${formatInteger(jobs.length)} dernières tâches`) : html`<p>Aucune tâche n'a encore été lancée.</p>`}`;
  return consolePage({ title: 'Tâches', user: input.user, breadcrumb: [{ label: 'Campagnes', href: '/console/campagnes' }, { label: 'Tâches' }], body });
}
