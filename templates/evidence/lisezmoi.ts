/**
 * LISEZMOI.txt of a proof file (functions/use-cases/evidence.ts): in French, for a
 * commune's lawyer or a judge's expert, how to check each file with Poppler's
 * pdfsig, OpenSSL and `npm run verify`, with the exact commands.
 */
export interface EvidenceReadme {
  subject: string;
  exportedAt: string;
  pdfs: { name: string; sha256: string; sealed: boolean; token?: string; stampedSha256?: string }[];
  anchors: string[];
  /** SHA-256 of the root certificates, hex. */
  roots: string[];
  crls?: number;
}

export function evidenceReadme(readme: EvidenceReadme): string {
  const sealed = readme.pdfs.filter((pdf) => pdf.sealed);
  const stamped = readme.pdfs.filter((pdf) => pdf.token && pdf.stampedSha256);
  const lines = [
    `Dossier de preuve de ${readme.subject}`,
    `Exporté par Paraphe le ${readme.exportedAt} (UTC).`,
    '',
    'CONTENU',
    '- audit.json : la piste d’audit. Chaque événement porte l’empreinte (SHA-256) de son contenu et de l’événement précédent : modifier, retirer ou intervertir un événement rompt la chaîne.',
    '  Sa rubrique « lecture » redit chaque événement en une phrase, pour le lire : elle n’est pas couverte par les empreintes, seuls les événements font foi.',
    ...readme.pdfs.map((pdf) => `- ${pdf.name} : SHA-256 ${pdf.sha256}${pdf.sealed ? ', scellé' : ', non scellé (document d’origine)'}`),
    ...(stamped.length > 0 ? ['- horodatage/*.tst : le jeton d’horodatage (RFC 3161) de chaque sceau, extrait du PDF.'] : []),
    ...(readme.roots.length > 0
      ? [
          `- certificats/racine.pem : l’autorité de certification racine (SHA-256 ${readme.roots.join(', ')}). Comparez cette empreinte à celle que publie l’autorité : c’est elle qui fonde la confiance.`,
          '- certificats/chaine.pem : les certificats du cachet de Paraphe et de l’autorité d’horodatage.',
          `- certificats/crl-*.crl : ${readme.crls ?? 0} liste(s) de révocation, telles qu’au moment du sceau (elles sont aussi dans chaque PDF, dictionnaire DSS).`,
        ]
      : []),
    ...(readme.anchors.length > 0 ? [`- ancrages/ : l’ancrage quotidien des empreintes de piste des jours ${readme.anchors.join(', ')}, et son jeton d’horodatage (.tst).`] : []),
    '',
    'VÉRIFIER (dans le dossier décompressé)',
    '',
    '1. Le sceau de chaque PDF, avec Poppler (paquet poppler-utils) :',
    ...sealed.map((pdf) => `   pdfsig ${pdf.name}`),
    '   Attendu : « Signature is Valid » et « Total document signed ». Le certificat peut être dit non approuvé (« not trusted ») tant que la racine n’est pas dans votre magasin de confiance.',
    '',
    '2. L’horodatage de chaque sceau, avec OpenSSL :',
    ...stamped.map((pdf) => `   openssl ts -verify -token_in -in ${pdf.token} -digest ${pdf.stampedSha256} -CAfile certificats/racine.pem -untrusted certificats/chaine.pem`),
    '   Attendu : « Verification: OK ». L’empreinte donnée est celle de la valeur de signature du sceau : le jeton prouve que le sceau existait à sa date.',
    '',
    '3. Les listes de révocation, avec OpenSSL :',
    '   openssl crl -inform DER -in certificats/crl-1.crl -CAfile certificats/racine.pem -noout -text',
    '   Attendu : « verify OK », et aucun des certificats de chaine.pem parmi les certificats révoqués.',
    '',
    '4. Tout à la fois, avec l’outil de Paraphe (Node.js 22 ; dans une copie du dépôt Paraphe, après npm install) :',
    `   npm run verify -- <dossier>/audit.json ${readme.pdfs.map((pdf) => `<dossier>/${pdf.name}`).join(' ')}${readme.anchors.map((day) => ` <dossier>/ancrages/${day}.json`).join('')}`,
    '   Il recalcule les chaînes de la piste, retrouve l’empreinte SHA-256 de chaque PDF dans la piste et l’empreinte de piste imprimée sur le certificat de signature, vérifie chaque sceau, son horodatage et ses données de validation à la date du jeton, et chaque ancrage. Attendu : « Résultat : tout est intègre. » (code de sortie 0) ; sinon il dit ce qui est rompu.',
    '',
  ];
  return lines.join('\n');
}
