import * as z from 'zod';
import { deps } from '../adapters/composition.ts';
import { conventionIdSchema, parseInput, plainDate, text } from '../core/inputs.ts';
import { recordTitre } from '../core/record-titre.ts';
import { jsonBody, pathParameter } from '../http/request.ts';
import { adminRoute, json } from '../http/middleware.ts';

const d = deps();

const titreBodySchema = z.object(
  { number: text('Le numéro du titre de perception', 50), date: plainDate("La date d'émission du titre") },
  { error: 'Le corps de la requête doit être un objet JSON avec le numéro (« number ») et la date (« date ») du titre de perception.' },
);

/** POST /admin/conventions/{id}/titre: the finance office issued the convention's titre de perception; recorded once (role gestionnaire). */
export const handler = adminRoute(async (event, admin) => {
  const id = parseInput(conventionIdSchema, pathParameter(event, 'id'), 'id');
  const { number, date } = parseInput(titreBodySchema, jsonBody(event));
  const convention = await recordTitre(d, { id, number, date, actor: admin.actor });
  return json(200, { id: convention.id, reference: convention.reference, status: convention.status, amountCents: convention.amountCents, titre: convention.titre });
});
