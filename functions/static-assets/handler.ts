import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DSFR_VERSION, readDsfrAsset } from '../../templates/pages/dsfr-assets.ts';

/** GET /dsfr/{version}/{file+}: the design system's files, cacheable for a year since the path names the version. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(async (event): Promise<APIGatewayProxyStructuredResultV2> => {
  const { version, file } = event.pathParameters ?? {};
  const asset = version === DSFR_VERSION && file ? await readDsfrAsset(file) : undefined;
  if (!asset) return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Fichier introuvable.' };
  return {
    statusCode: 200,
    headers: { 'content-type': asset.contentType, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
    isBase64Encoded: true,
    body: asset.body.toString('base64'),
  };
});
