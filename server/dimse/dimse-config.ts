import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkAeTitle } from '../../shared/dicom/ae-title';
import { isLoopbackHost } from '../auth/first-admin';

/** The DICOM network services (DIMSE, issue 14); the listener's address is PACS_HOST. */
export interface DimseConfig {
  /** TCP port of the listener (0 picks a free one); null when PACS_DIMSE_PORT=off. */
  readonly port: number | null;
  /** Our AE title: the called AE title associations must name, and the calling one of ours. */
  readonly aeTitle: string;
  /** Associations from any calling AE, known or not (refused unless PACS_HOST is loopback). */
  readonly acceptAny: boolean;
  /** DICOM TLS (PS3.15 B.1): PEM certificate and key files, both or neither. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** The DIMSE variables: the port (or `off`), the AE title, accept-any only on loopback, the TLS files readable and matching. */
export function dimseConfig(
  read: (name: string) => string | undefined,
  bool: (name: string, fallback: boolean) => boolean,
  problems: string[],
  http: { host: string; port: number; cwd: string },
): DimseConfig {
  const rawPort = read('PACS_DIMSE_PORT') ?? '11112';
  let port: number | null = null;
  if (/^\d+$/.test(rawPort) && Number(rawPort) <= 65535) port = Number(rawPort);
  else if (rawPort.toLowerCase() !== 'off') problems.push(`PACS_DIMSE_PORT="${rawPort}" must be off or an integer from 0 to 65535`);
  if (port !== null && port !== 0 && port === http.port)
    problems.push(`PACS_DIMSE_PORT=${port} is also PACS_PORT: DIMSE and HTTP need their own ports`);

  const rawAeTitle = read('PACS_DIMSE_AE_TITLE') ?? 'PACS';
  const aeTitle = checkAeTitle(rawAeTitle);
  if (!aeTitle.ok) problems.push(`PACS_DIMSE_AE_TITLE="${rawAeTitle}" is not an AE title: ${aeTitle.problem}`);

  // As the HTTP side refuses to listen beyond this machine without accounts (start-archive.ts).
  const acceptAny = bool('PACS_DIMSE_ACCEPT_ANY', false);
  if (acceptAny && port !== null && !isLoopbackHost(http.host))
    problems.push(
      `PACS_DIMSE_ACCEPT_ANY=true is refused with PACS_HOST=${http.host}: any machine could store and retrieve; list the remote AEs in the Admin UI instead`,
    );

  const certFile = read('PACS_DIMSE_TLS_CERT');
  const keyFile = read('PACS_DIMSE_TLS_KEY');
  let tls: DimseConfig['tls'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('PACS_DIMSE_TLS_CERT and PACS_DIMSE_TLS_KEY go together: set both or neither');
  } else if (certFile !== undefined && keyFile !== undefined) {
    tls = { certFile: path.resolve(http.cwd, certFile), keyFile: path.resolve(http.cwd, keyFile) };
    const problem = tlsFilesProblem(tls.certFile, tls.keyFile);
    if (problem) problems.push(problem);
  }
  return Object.freeze({ port, aeTitle: aeTitle.ok ? aeTitle.aeTitle : 'PACS', acceptAny, tls: tls && Object.freeze(tls) });
}

/** Read at start, so that a missing file, a wrong format or a key of another certificate stops the start instead of the first association. */
function tlsFilesProblem(certFile: string, keyFile: string): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(fs.readFileSync(certFile));
  } catch (error) {
    return `PACS_DIMSE_TLS_CERT="${certFile}" ${fileProblem(error, 'a PEM certificate')}`;
  }
  try {
    const key = createPrivateKey(fs.readFileSync(keyFile));
    if (!certificate.checkPrivateKey(key)) return `PACS_DIMSE_TLS_KEY="${keyFile}" is not the key of PACS_DIMSE_TLS_CERT`;
  } catch (error) {
    return `PACS_DIMSE_TLS_KEY="${keyFile}" ${fileProblem(error, 'an unencrypted PEM private key')}`;
  }
  return undefined;
}

function fileProblem(error: unknown, what: string): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES') return 'cannot be read by this process';
  if (code === 'EISDIR') return 'is a folder';
  return `is not ${what}`;
}
