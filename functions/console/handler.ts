import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consoleErrorPage } from '../../templates/pages/console/layout.ts';
import { deps } from '../adapters/composition.ts';
import { composeConsole } from '../adapters/console-composition.ts';
import { loadConfig } from '../adapters/config.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import { csrfMatches } from '../adapters/console-session.ts';
import { describeError } from '../http/errors.ts';
import { html, pageRoute } from '../http/middleware.ts';
import { formBody } from '../http/request.ts';
import { finishLogin, logout, redirect, startLogin } from './login.ts';
import { setupForms, setupPages } from './campaign-setup-pages.ts';
import { followForms, followPages } from './follow-pages.ts';
import { forms as baseForms, pages as basePages } from './pages.ts';

const pages = { ...basePages, ...setupPages, ...followPages };
const forms = { ...baseForms, ...setupForms, ...followForms };

const d = deps();
const consoleDeps = composeConsole(loadConfig(process.env), d.now);
const base = d.publicBaseUrl.replace(/\/$/, '');

const TITLES: Record<number, string> = { 400: 'Demande incorrecte', 401: 'Connexion requise', 403: 'Accès refusé', 404: 'Page introuvable', 409: 'Action impossible' };

/**
 * The rectorat's console under /console: the académie's OpenID Connect login, then server-rendered pages.
 * The session cookie is checked here (the routes are public at API Gateway); a page without a session leads
 * to the login, a form without one, or without the session's CSRF token, is refused.
 */
export const handler = pageRoute(
  async (event) => {
    if (event.routeKey === 'GET /console/callback') return finishLogin(consoleDeps, base, event);
    const session = await consoleDeps.cookies.session(event);
    const here = `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
    if (event.routeKey === 'GET /console') return session ? redirect('/console/campagnes') : startLogin(consoleDeps, base, '/console/campagnes');
    const page = pages[event.routeKey];
    if (page && !session) return startLogin(consoleDeps, base, here);
    if (!session) throw new AppError('UNAUTHORIZED', 'Votre session a expiré : reconnectez-vous depuis la console, puis recommencez.');
    if (!page && !csrfMatches(session, formBody(event).csrf)) throw new AppError('FORBIDDEN', "Ce formulaire n'est plus valide : rechargez la page, puis recommencez.");
    if (event.routeKey === 'POST /console/deconnexion') return logout(consoleDeps, base);
    if (session.roles.length === 0) throw new AppError('FORBIDDEN', "Votre compte n'a aucun rôle de la console (gestionnaire ou signataire).");
    const route = page ?? forms[event.routeKey];
    if (!route) throw new AppError('NOT_FOUND', "Cette page n'existe pas.");
    return route(d, event, session);
  },
  (error: unknown, _event: APIGatewayProxyEventV2) => {
    const { statusCode, body } = describeError(error);
    const title = TITLES[statusCode] ?? 'Erreur';
    return html(statusCode, consoleErrorPage({ title, message: body.error.message, ...(isAppError(error) ? { fields: error.issues } : {}) }));
  },
);
