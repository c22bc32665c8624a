/**
 * `npm run invoke -- <function> <event file>`: runs one function once against
 * the running local stack with a sample event, as `sam local invoke -e` does,
 * in an execution environment with the function's timeout and memory.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { functionSpecs } from '../functions.ts';
import { applyEnvironment, handlerEnvironment } from './environment.ts';
import { createLambdaRuntime } from './lambda-runtime.ts';
import { PROJECT_ROOT, readRunningStack } from './paths.ts';

const [name, eventFile] = process.argv.slice(2);
const spec = functionSpecs.find((candidate) => candidate.name === name);
if (!spec || !eventFile) {
  console.error(`Usage: npm run invoke -- <function> <event file>\nFunctions: ${functionSpecs.map((candidate) => candidate.name).join(', ')}`);
  process.exit(2);
}
applyEnvironment(handlerEnvironment(readRunningStack()));
const event = JSON.parse(readFileSync(resolve(eventFile), 'utf8')) as unknown;
const runtime = createLambdaRuntime({ root: PROJECT_ROOT });
const outcome = await runtime.invoke(spec, event);
await runtime.close();
console.log(JSON.stringify(outcome.ok ? outcome.result : outcome.error, null, 2));
if (!outcome.ok) process.exitCode = 1;
