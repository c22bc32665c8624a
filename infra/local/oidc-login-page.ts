/** The local identity provider's login form: plain HTML, French, no script. */
import { escapeHtml } from '../../templates/pages/html.ts';

export function loginPage(input: { uid: string; error?: string }): string {
  const error = input.error ? `<p role="alert" id="erreur">${escapeHtml(input.error)}</p>` : '';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Connexion – fournisseur d’identité local</title></head>
<body><main><h1>Connexion (fournisseur d’identité local)</h1>${error}
<p>Comptes locaux : « gestionnaire » et « signataire », chacun avec son nom pour mot de passe.</p>
<form method="post" action="/interaction/${escapeHtml(input.uid)}">
<p><label for="login">Identifiant</label><br><input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Mot de passe</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Se connecter</button></p>
</form></main></body></html>`;
}
