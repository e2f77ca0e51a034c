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
