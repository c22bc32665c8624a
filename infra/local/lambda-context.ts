/**
 * The context object Lambda hands a handler: its remaining time counts down
 * from the function's own timeout, its memory is the function's.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../functions.ts';

export function lambdaContext(
  functionName: string,
  timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
  memoryMb = DEFAULT_MEMORY_MB,
  deadline = Date.now() + timeoutSeconds * 1000,
  awsRequestId: string = randomUUID(),
): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-3:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
