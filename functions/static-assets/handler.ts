import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DSFR_VERSION, readDsfrAsset } from '../../templates/pages/dsfr-assets.ts';
import { instrumented } from '../adapters/invocation.ts';
import { requestKeys } from '../http/middleware.ts';
import { securityHeaders } from '../http/security-headers.ts';

/** GET /dsfr/{version}/{file+}: the design system's files, cacheable for a year since the path names the version. */
const serve = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(securityHeaders())
  .handler(async (event): Promise<APIGatewayProxyStructuredResultV2> => {
    const { version, file } = event.pathParameters ?? {};
    const asset = version === DSFR_VERSION && file ? await readDsfrAsset(file) : undefined;
    if (!asset) return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Fichier introuvable.' };
    return {
      statusCode: 200,
      headers: { 'content-type': asset.contentType, 'cache-control': 'public, max-age=31536000, immutable' },
      isBase64Encoded: true,
      body: asset.body.toString('base64'),
    };
  });

export const handler = instrumented<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(requestKeys, (event, context) => serve(event, context ?? ({} as Context)));
