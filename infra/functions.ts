/**
 * The catalogue of Paraphe's functions: one entry per Lambda function, with the
 * HTTP routes it answers and the schedule that fires it. The CDK stack and the
 * local gateway/scheduler both read this list, so a route exists in one place.
 */
export type RouteAuth = 'admin' | 'public';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path with `{param}` placeholders. */
  path: string;
  auth: RouteAuth;
}

export interface ScheduleSpec {
  /** EventBridge Scheduler cron expression, evaluated in Europe/Paris. */
  cron: string;
  description: string;
}

/** An EventBridge rule on the default bus that invokes the function. */
export interface EventRuleSpec {
  source: string[];
  detailType: string[];
  /** Narrows the events by their detail (EventBridge pattern syntax), so the function runs only for those it acts on. */
  detail?: Record<string, unknown>;
  description: string;
}

/**
 * The table's stream, through a Lambda event source mapping: what it lets
 * through, and how it retries. The local stack reads the stream of DynamoDB
 * Local with the same settings (infra/local/stream-mapping.ts).
 */
export interface StreamSourceSpec {
  /** Lambda event filtering: only records matching reach the function (the same pattern is applied locally). */
  filter: Record<string, unknown>;
  batchSize: number;
  /** Concurrent batches per shard; records of one item stay in order. */
  parallelizationFactor: number;
  /** Retries of a failing batch before its records go to the on-failure destination (the dead-letter queue). */
  maxRetryAttempts: number;
  /** Records older than this are not retried but go to the dead-letter queue. */
  maxRecordAgeSeconds: number;
  bisectOnError: boolean;
}

export interface FunctionSpec {
  name: string;
  /** Path of the handler module from the project root; it exports `handler`. */
  entry: string;
  routes: RouteSpec[];
  schedule?: ScheduleSpec;
  eventRule?: EventRuleSpec;
  streamSource?: StreamSourceSpec;
  /** Access to the table; absent for a function that never reads it. */
  table?: 'read' | 'readwrite';
  bucket?: 'read' | 'readwrite';
  sendsEmail?: boolean;
  /** Reads the sealing certificate (Secrets Manager in AWS). */
  sealsDocuments?: boolean;
  /** The console: reads its secret (cookie key, OpenID client secret) and gets the OpenID settings. */
  consoleSession?: boolean;
  /** Lambda's memory size; DEFAULT_MEMORY_MB when absent. */
  memoryMb?: number;
  /** Lambda's timeout; DEFAULT_TIMEOUT_SECONDS when absent. */
  timeoutSeconds?: number;
}

/** A function's memory and timeout when its entry names none: the CDK construct and the local runtime read these. */
export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * A scheduled function is invoked asynchronously: Lambda retries a failed invocation twice (about one then
 * two minutes later) while the event is younger than the maximum age, then sends it to the dead-letter queue.
 */
export const SCHEDULE_ASYNC_RETRY = { retryAttempts: 2, maxEventAgeSeconds: 6 * 60 * 60 } as const;

export const SCHEDULE_TIME_ZONE = 'Europe/Paris';

export const functionSpecs: readonly FunctionSpec[] = [
  {
    name: 'create-campaign',
    entry: 'functions/create-campaign/handler.ts',
    routes: [{ method: 'POST', path: '/admin/campaigns', auth: 'admin' }],
    table: 'readwrite',
  },
  {
    name: 'add-convention',
    entry: 'functions/add-convention/handler.ts',
    routes: [{ method: 'POST', path: '/admin/campaigns/{schoolYear}/conventions', auth: 'admin' }],
    table: 'readwrite',
  },
  {
    name: 'send-campaign',
    entry: 'functions/send-campaign/handler.ts',
    routes: [{ method: 'POST', path: '/admin/campaigns/{schoolYear}/send', auth: 'admin' }],
    table: 'readwrite',
  },
  {
    name: 'get-job',
    entry: 'functions/get-job/handler.ts',
    routes: [{ method: 'GET', path: '/admin/jobs/{id}', auth: 'admin' }],
    table: 'read',
  },
  {
    name: 'run-jobs',
    entry: 'functions/run-jobs/handler.ts',
    routes: [],
    streamSource: {
      filter: { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['job'] }, state: { S: ['pending'] } } } },
      batchSize: 10,
      // Lambda's maximum: the SES rate (send-rate.ts) bounds all senders together, not the concurrency.
      parallelizationFactor: 10,
      maxRetryAttempts: 8,
      maxRecordAgeSeconds: 6 * 60 * 60,
      bisectOnError: true,
    },
    table: 'readwrite',
    bucket: 'readwrite',
    sendsEmail: true,
    sealsDocuments: true,
    memoryMb: 1536,
    timeoutSeconds: 120,
  },
  {
    name: 'wake-jobs',
    entry: 'functions/wake-jobs/handler.ts',
    routes: [],
    schedule: { cron: 'cron(* * * * ? *)', description: 'Every minute: jobs waiting for a retry whose time came go back to the worker' },
    table: 'readwrite',
    timeoutSeconds: 60,
  },
  {
    name: 'get-convention',
    entry: 'functions/get-convention/handler.ts',
    routes: [
      { method: 'GET', path: '/admin/conventions/{id}', auth: 'admin' },
      { method: 'GET', path: '/admin/conventions/{id}/audit.json', auth: 'admin' },
      { method: 'GET', path: '/admin/conventions/{id}/evidence.zip', auth: 'admin' },
      { method: 'GET', path: '/admin/conventions/{id}/avenants/{avenantId}/evidence.zip', auth: 'admin' },
    ],
    table: 'read',
    // The proof file: the PDFs, anchors and tokens, read by version.
    bucket: 'read',
  },
  {
    name: 'signing-page',
    entry: 'functions/signing-page/handler.ts',
    routes: [
      { method: 'GET', path: '/sign/{token}', auth: 'public' },
      { method: 'GET', path: '/sign/{token}/document', auth: 'public' },
    ],
    table: 'readwrite',
    bucket: 'read',
  },
  {
    name: 'sign-convention',
    entry: 'functions/sign-convention/handler.ts',
    routes: [{ method: 'POST', path: '/sign/{token}', auth: 'public' }],
    // Records the signature and its seal-signed job; run-jobs seals, stores and emails.
    table: 'readwrite',
  },
  {
    name: 'countersign-convention',
    entry: 'functions/countersign-convention/handler.ts',
    // Records countersignatures and their jobs; run-jobs seals, stores and sends the final documents.
    routes: [
      { method: 'POST', path: '/admin/conventions/{id}/countersign', auth: 'admin' },
      { method: 'POST', path: '/admin/campaigns/{schoolYear}/countersign', auth: 'admin' },
    ],
    table: 'readwrite',
    timeoutSeconds: 29,
  },
  {
    name: 'resend-link',
    entry: 'functions/resend-link/handler.ts',
    routes: [{ method: 'POST', path: '/admin/conventions/{id}/resend', auth: 'admin' }],
    table: 'readwrite',
    sendsEmail: true,
  },
  {
    name: 'decline-convention',
    entry: 'functions/decline-convention/handler.ts',
    routes: [{ method: 'POST', path: '/sign/{token}/decline', auth: 'public' }],
    // Records the decline and its acknowledgement job; run-jobs emails it.
    table: 'readwrite',
  },
  {
    name: 'static-assets',
    entry: 'functions/static-assets/handler.ts',
    routes: [{ method: 'GET', path: '/dsfr/{version}/{file+}', auth: 'public' }],
  },
  {
    name: 'send-reminders',
    entry: 'functions/send-reminders/handler.ts',
    routes: [],
    schedule: { cron: 'cron(0 9 ? * MON-FRI *)', description: 'Reminders of the day, on working days at 09:00 Paris' },
    // Starts the day's job; the reminders themselves are jobs of run-jobs.
    table: 'readwrite',
    timeoutSeconds: 30,
  },
  {
    name: 'ses-events',
    entry: 'functions/ses-events/handler.ts',
    routes: [],
    eventRule: {
      source: ['aws.ses'],
      detailType: ['Email Sent', 'Email Bounced', 'Email Complaint Received'],
      // Of the sends, only jobs' emails (their tag, core/jobs/email-once.ts).
      detail: { $or: [{ eventType: ['Bounce', 'Complaint'] }, { eventType: ['Send'], mail: { tags: { paraphe_job: [{ exists: true }] } } }] },
      description: "SES events of the configuration set: a bounce or complaint marks the address undeliverable; a send records a job's email as out",
    },
    table: 'readwrite',
  },
  {
    name: 'request-avenant',
    entry: 'functions/request-avenant/handler.ts',
    routes: [{ method: 'POST', path: '/admin/conventions/{id}/avenants', auth: 'admin' }],
    table: 'readwrite',
    bucket: 'readwrite',
    sendsEmail: true,
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'mayor-avenant',
    entry: 'functions/mayor-avenant/handler.ts',
    routes: [{ method: 'POST', path: '/sign/{token}/avenant', auth: 'public' }],
    table: 'readwrite',
    bucket: 'readwrite',
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'avenant-page',
    entry: 'functions/avenant-page/handler.ts',
    routes: [
      { method: 'GET', path: '/avenant/{token}', auth: 'public' },
      { method: 'GET', path: '/avenant/{token}/document', auth: 'public' },
    ],
    table: 'read',
    bucket: 'read',
  },
  {
    name: 'sign-avenant',
    entry: 'functions/sign-avenant/handler.ts',
    routes: [{ method: 'POST', path: '/avenant/{token}', auth: 'public' }],
    // Records the signature and its seal-avenant-signed job; run-jobs seals, stores and emails.
    table: 'readwrite',
  },
  {
    name: 'countersign-avenant',
    entry: 'functions/countersign-avenant/handler.ts',
    routes: [{ method: 'POST', path: '/admin/conventions/{id}/avenants/{avenantId}/countersign', auth: 'admin' }],
    // Records the countersignature and its seal-avenant-executed job; run-jobs seals, stores and emails.
    table: 'readwrite',
  },
  {
    name: 'import-campaign',
    entry: 'functions/import-campaign/handler.ts',
    routes: [
      { method: 'POST', path: '/admin/campaigns/{schoolYear}/imports', auth: 'admin' },
      { method: 'POST', path: '/admin/campaigns/{schoolYear}/imports/uploads', auth: 'admin' },
    ],
    table: 'readwrite',
    bucket: 'readwrite',
    timeoutSeconds: 29,
  },
  {
    name: 'campaign-reports',
    entry: 'functions/campaign-reports/handler.ts',
    routes: [
      { method: 'GET', path: '/admin/campaigns/{schoolYear}/conventions', auth: 'admin' },
      { method: 'GET', path: '/admin/campaigns/{schoolYear}/stats', auth: 'admin' },
      { method: 'GET', path: '/admin/campaigns/{schoolYear}/billing.csv', auth: 'admin' },
    ],
    table: 'read',
    memoryMb: 512,
    timeoutSeconds: 29,
  },
  {
    name: 'cancel-convention',
    entry: 'functions/cancel-convention/handler.ts',
    routes: [{ method: 'POST', path: '/admin/conventions/{id}/cancel', auth: 'admin' }],
    table: 'readwrite',
  },
  {
    name: 'get-openapi',
    entry: 'functions/get-openapi/handler.ts',
    // The admin API's OpenAPI document, built from the handlers' schemas: no table, no bucket.
    routes: [{ method: 'GET', path: '/admin/openapi.json', auth: 'admin' }],
  },
  {
    name: 'record-titre',
    entry: 'functions/record-titre/handler.ts',
    routes: [{ method: 'POST', path: '/admin/conventions/{id}/titre', auth: 'admin' }],
    // One conditional transaction: the titre on the convention and its audit event.
    table: 'readwrite',
  },
  {
    name: 'console',
    entry: 'functions/console/handler.ts',
    // Public at API Gateway: the function checks its session cookie, and sends a page without one to the login.
    routes: [
      { method: 'GET', path: '/console', auth: 'public' },
      { method: 'GET', path: '/console/callback', auth: 'public' },
      { method: 'POST', path: '/console/deconnexion', auth: 'public' },
      { method: 'GET', path: '/console/campagnes', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/contresigner', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}/billing.csv', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/audit.json', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/evidence.zip', auth: 'public' },
      { method: 'GET', path: '/console/nouvelle-campagne', auth: 'public' },
      { method: 'POST', path: '/console/nouvelle-campagne', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/renvoyer', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/renvoyer', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/annuler', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/annuler', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}/contresigner', auth: 'public' },
      { method: 'POST', path: '/console/campagnes/{schoolYear}/contresigner', auth: 'public' },
      { method: 'GET', path: '/console/taches/{id}', auth: 'public' },
      // Filling and sending a campaign (functions/console/campaign-setup-pages.ts).
      { method: 'GET', path: '/console/campagnes/{schoolYear}/importer', auth: 'public' },
      { method: 'POST', path: '/console/campagnes/{schoolYear}/importer', auth: 'public' },
      { method: 'GET', path: '/console/taches/{id}/refus.csv', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}/ajouter', auth: 'public' },
      { method: 'POST', path: '/console/campagnes/{schoolYear}/ajouter', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}/envoyer', auth: 'public' },
      { method: 'POST', path: '/console/campagnes/{schoolYear}/envoyer', auth: 'public' },
      // functions/console/follow-pages.ts: the dashboard, the jobs, billing and titres, avenants.
      { method: 'GET', path: '/console/campagnes/{schoolYear}/tableau-de-bord', auth: 'public' },
      { method: 'GET', path: '/console/taches', auth: 'public' },
      { method: 'GET', path: '/console/campagnes/{schoolYear}/facturation', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/titre', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/avenant', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/avenant', auth: 'public' },
      { method: 'POST', path: '/console/conventions/{id}/avenants/{avenantId}/contresigner', auth: 'public' },
      { method: 'GET', path: '/console/conventions/{id}/avenants/{avenantId}/evidence.zip', auth: 'public' },
    ],
    // The forms write what create-campaign, resend-link, cancel-convention, countersign-convention,
    // request-avenant, countersign-avenant and record-titre write; the downloads read the stored PDFs,
    // anchors and tokens as get-convention does.
    table: 'readwrite',
    // The import form stores its file as import-campaign does; an avenant's PDF is rendered and stored
    // when it is prepared, as request-avenant does.
    bucket: 'readwrite',
    // Sending the link again, a campaign and an avenant email the mayor.
    sendsEmail: true,
    consoleSession: true,
    // Rendering an avenant's PDF: request-avenant's memory and timeout.
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    name: 'send-digest',
    entry: 'functions/send-digest/handler.ts',
    routes: [],
    schedule: { cron: 'cron(0 8 ? * MON-FRI *)', description: "The rectorat's daily digest, on working days at 08:00 Paris" },
    // Starts the day's job; the digest is composed and emailed by run-jobs.
    table: 'readwrite',
    timeoutSeconds: 30,
  },
  {
    name: 'anchor-audit',
    entry: 'functions/anchor-audit/handler.ts',
    routes: [],
    schedule: { cron: 'cron(15 0 * * ? *)', description: "The daily anchor of the audit chains, every day at 00:15 Paris, for the day before" },
    // Starts the day's job; run-jobs writes anchors/<day>.json.
    table: 'readwrite',
    timeoutSeconds: 30,
  },
];
