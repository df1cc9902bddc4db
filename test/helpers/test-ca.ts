import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { requireTool } from './debian-tools';
import { makeTempDir, removeTempDir } from './temp-dir';

export interface TestCertificates {
  /** PEM of the private CA, as an admin pastes it in a peer's custom CA field. */
  caPem: string;
  /** PEM key and certificate of a server on 127.0.0.1 / localhost, signed by that CA. */
  serverKeyPem: string;
  serverCertPem: string;
}

/**
 * A hospital's own CA and a server certificate it signed for 127.0.0.1 and localhost, made by the
 * openssl CLI (P-256 keys, valid two days), as a peer behind a private PKI would present.
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  requireTool('openssl');
  const dir = await makeTempDir('test-ca');
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/O=Test Hospital/CN=Test Hospital CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    await fs.writeFile(
      file('server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    );
    return {
      caPem: await fs.readFile(file('ca.pem'), 'utf8'),
      serverKeyPem: await fs.readFile(file('server.key'), 'utf8'),
      serverCertPem: await fs.readFile(file('server.pem'), 'utf8'),
    };
  } finally {
    await removeTempDir(dir);
  }
}
