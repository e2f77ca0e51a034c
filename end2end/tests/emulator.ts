import { execFileSync } from 'node:child_process';
import { POLICY } from './helpers';

/** Runs one AWS call of `service` on the emulator with boto3 (the stack's venv). */
function boto(service: string, operation: string, args: Record<string, unknown>): unknown {
  const code = [
    'import boto3, json, os, sys',
    'c = boto3.client(sys.argv[1], endpoint_url=os.environ["AWS_ENDPOINT_URL"])',
    'out = getattr(c, sys.argv[2])(**json.loads(sys.argv[3]))',
    'out.pop("ResponseMetadata", None)',
    'print(json.dumps(out, default=str))',
  ].join('\n');
  const python = process.env.WARDEN_PYTHON ?? '../.tools/venv/bin/python';
  return JSON.parse(execFileSync(python, ['-c', code, service, operation, JSON.stringify(args)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * Runs one AWS IoT call on the emulator, for tests that must change the account behind the
 * console's back: `iot('delete_policy', { policyName: 'P' })`.
 */
export function iot(operation: string, args: Record<string, unknown>): unknown {
  return boto('iot', operation, args);
}

/** An onboarding profile, as the console stores it. */
export interface Profile {
  name: string;
  thing_type: string | null;
  groups: string[];
  policies: string[];
  required_attributes: string[];
  optional_attributes?: string[];
}

/**
 * Stores an onboarding profile straight into the console's profiles table (as an admin's
 * save on the profiles page would leave it), for tests about onboarding within one.
 */
export function putProfile(p: Profile): void {
  const profile = { description: '', optional_attributes: [], ...p };
  boto('dynamodb', 'put_item', {
    TableName: process.env.WARDEN_PROFILES_TABLE ?? 'iot-warden-onboarding-profiles',
    Item: {
      name: { S: p.name },
      profile: { S: JSON.stringify(profile) },
      version: { N: '1' },
      updated_by: { S: 'e2e' },
      updated_at: { N: String(Math.floor(Date.now() / 1000)) },
    },
  });
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
