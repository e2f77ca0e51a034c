import { execFileSync } from 'node:child_process';
import { POLICY } from './helpers';

/**
 * Runs one AWS IoT call on the emulator with boto3 (the stack's venv), for tests that must
 * change the account behind the console's back: `iot('delete_policy', { policyName: 'P' })`.
 */
export function iot(operation: string, args: Record<string, unknown>): unknown {
  const code = [
    'import boto3, json, os, sys',
    'c = boto3.client("iot", endpoint_url=os.environ["AWS_ENDPOINT_URL"])',
    'out = getattr(c, sys.argv[1])(**json.loads(sys.argv[2]))',
    'out.pop("ResponseMetadata", None)',
    'print(json.dumps(out, default=str))',
  ].join('\n');
  const python = process.env.WARDEN_PYTHON ?? '../.tools/venv/bin/python';
  return JSON.parse(execFileSync(python, ['-c', code, operation, JSON.stringify(args)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * A policy of the test's own with the seeded sensor policy's document, so tests that attach
 * it leave RestrictiveSensorPolicy's targets as seeded (the policies spec counts them).
 */
export function sensorPolicyCopy(tag: string): string {
  const seeded = iot('get_policy', { policyName: POLICY }) as { policyDocument: string };
  const name = `E2eSensorPolicy-${tag}`;
  iot('create_policy', { policyName: name, policyDocument: seeded.policyDocument });
  return name;
}
