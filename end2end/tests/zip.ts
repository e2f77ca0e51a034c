import { execFileSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';

/** Every entry of a zip file as text, read with `unzip` (Debian's, installed with the tools). */
export function zipEntries(path: string): Map<string, string> {
  const names = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).split('\n').filter((n) => n);
  return new Map(names.map((n) => [n, execFileSync('unzip', ['-p', path, n], { encoding: 'utf8' })]));
}

/** Whether the private key (PEM) is the one the certificate (PEM) certifies. */
export function keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
  const fromKey = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.compare(fromKey, fromCert) === 0;
}

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
