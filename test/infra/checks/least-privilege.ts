/**
 * The functions' roles grant the AWS actions the code sends, and no other.
 * "Sends" is read from the source: every SDK command under functions/, and
 * for transactions the kinds of their items (DynamoDB authorises each item of
 * a TransactWriteItems by its own action; there is no TransactWriteItems
 * action). A new command without a line in COMMAND_ACTIONS fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/app.ts';
import { TABLE_ACTIONS } from '../../../infra/paraphe-function.ts';
import { buildTestParaphe } from '../support.ts';

/** The IAM actions each SDK v3 command needs (Service Authorization Reference). */
const COMMAND_ACTIONS: Record<string, readonly string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  // Authorised item by item: see TRANSACT_ITEM_ACTIONS.
  TransactWriteCommand: [],
  TransactGetCommand: ['dynamodb:GetItem'],
  PutObjectCommand: ['s3:PutObject'],
  GetObjectCommand: ['s3:GetObject'],
  // HEAD is authorised as a GET.
  HeadObjectCommand: ['s3:GetObject'],
  SendRawEmailCommand: ['ses:SendRawEmail'],
  SendEmailCommand: ['ses:SendEmail'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
};

/** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Granted without a command of their own, each for a reason. */
const GRANTED_WITHOUT_COMMAND: Record<string, string> = {
  's3:ListBucket': 'a GET or HEAD of a missing key answers 404 (NoSuchKey), not 403',
  's3:GetObjectVersion': 'evidence is read by its recorded version id',
  'dynamodb:DescribeStream': "the worker's event source mapping (Lambda reads the stream with the function's role)",
  'dynamodb:GetRecords': "the worker's event source mapping",
  'dynamodb:GetShardIterator': "the worker's event source mapping",
  'dynamodb:ListStreams': "the worker's event source mapping",
};
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

const NEVER = [
  'dynamodb:*',
  'dynamodb:Scan',
  'dynamodb:DescribeTable',
  'dynamodb:PartiQLSelect',
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTable',
  's3:*',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketPolicy',
  'ses:*',
  'ses:SendEmail',
  'secretsmanager:*',
  'secretsmanager:PutSecretValue',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every IAM action the code under functions/ can cause, from its SDK commands. */
function actionsUsedByCode(): { used: Set<string>; unknown: string[] } {
  const used = new Set<string>();
  const unknown: string[] = [];
  for (const file of sourceFiles(join(PROJECT_ROOT, 'functions'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(/new (?:\w+\.)?([A-Z]\w*Command)\(/g)) {
      const actions = COMMAND_ACTIONS[name!];
      if (actions === undefined) unknown.push(`${name} in ${file}`);
      else for (const action of actions) used.add(action);
    }
    if (/\bTransactWriteCommand\b|\btransact\(/.test(text)) {
      // `Put: {`, `{ Delete: … }`, and the shorthand `({ Delete })`.
      for (const [kind, action] of Object.entries(TRANSACT_ITEM_ACTIONS)) {
        if (new RegExp(`[{,]\\s*${kind}\\s*[:}]`).test(text)) used.add(action);
      }
    }
  }
  return { used, unknown };
}

const paraphe = buildTestParaphe();
const template = paraphe.statelessTemplate;

function actionsOf(name: string): string[] {
  const fn = paraphe.stateless.functions.get(name)!;
  const roleId = Stack.of(fn).getLogicalId(fn.role.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()),
  );
}

const granted = new Map(paraphe.specs.map((spec) => [spec.name, actionsOf(spec.name)]));
const dataActions = (actions: string[]) => actions.filter((a) => /^(dynamodb|s3|ses|secretsmanager):/.test(a));

describe('least privilege: the functions may call what the code calls, and nothing else', () => {
  const { used, unknown } = actionsUsedByCode();

  it('knows the IAM actions of every SDK command the code sends', () => {
    expect(unknown).toEqual([]);
    // The grep does find the code's commands.
    expect([...used]).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 's3:PutObject', 'ses:SendRawEmail']));
  });

  it('grants no data action that no code calls', () => {
    for (const [name, actions] of granted) {
      for (const action of dataActions(actions)) {
        expect(used.has(action) || action in GRANTED_WITHOUT_COMMAND, `${name} is granted ${action}, which no code under functions/ calls`).toBe(true);
      }
    }
  });

  it('grants no wildcard action, no Scan, no delete of documents, no SendEmail, no secret write', () => {
    for (const [name, actions] of granted) {
      for (const action of actions) expect(NEVER, `${name}: ${action}`).not.toContain(action);
      expect(actions.filter((a) => a.includes('*')), name).toEqual([]);
    }
  });

  it('grants every DynamoDB action the code calls to the writers, and only reads to the readers', () => {
    const dynamoUsed = [...used].filter((a) => a.startsWith('dynamodb:')).sort();
    expect([...TABLE_ACTIONS.readwrite].sort()).toEqual(dynamoUsed);
    for (const spec of paraphe.specs) {
      const dynamo = dataActions(granted.get(spec.name)!).filter((a) => a.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(a));
      const expected = spec.table ? [...TABLE_ACTIONS[spec.table]] : [];
      expect(dynamo.sort(), spec.name).toEqual(expected.sort());
    }
    expect(TABLE_ACTIONS.read).not.toContain('dynamodb:PutItem');
  });

  it('lets only the stream worker read the table stream', () => {
    for (const spec of paraphe.specs) {
      const stream = granted.get(spec.name)!.filter((a) => STREAM_ACTIONS.includes(a));
      expect(stream.sort(), spec.name).toEqual(spec.streamSource ? [...STREAM_ACTIONS].sort() : []);
    }
  });
});
