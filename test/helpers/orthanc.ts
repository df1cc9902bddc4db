import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { requireTool } from './debian-tools';
import { freeLoopbackPort } from './free-port';
import { basicAuthorization, signedInFetch, type ArchiveClient, type ArchiveFetch } from './signed-in-fetch';
import { makeTempDir, removeTempDir } from './temp-dir';

/** The DICOMweb plugin of Debian's `orthanc-dicomweb` (1.7 for Orthanc 1.10.1 in bookworm). */
export const ORTHANC_DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const START_TIMEOUT_MS = 30_000;

/** A DICOMweb server Orthanc's DICOMweb client may reach (`DicomWeb.Servers`). */
export interface OrthancDicomWebServer {
  /** Base URL of the DICOMweb service, e.g. `${archive.dicomWeb}` (a trailing slash is added). */
  url: string;
  username?: string;
  password?: string;
  /** Extra HTTP headers Orthanc sends (e.g. Authorization: Bearer …). */
  httpHeaders?: Record<string, string>;
  /** `HasDelete`: Orthanc may DELETE studies and series there (`servers/{name}/delete`). */
  hasDelete?: boolean;
}

export interface OrthancOptions {
  /** `DicomWeb.Servers`: name → server. */
  servers?: Record<string, OrthancDicomWebServer>;
  /** HTTP Basic accounts (`RegisteredUsers`); none: authentication off. */
  users?: Record<string, string>;
  /**
   * Orthanc's DICOM (DIMSE) server on a free loopback port with this AE title, and the remote
   * AEs it knows (`DicomModalities`: name → [AE title, host, port]).
   */
  dimse?: { aeTitle: string; modalities?: Record<string, [string, string, number]> };
  /** Top-level configuration merged over ours. */
  config?: Record<string, unknown>;
  /** Environment variables beside PATH, e.g. DCMTK's TCP_NODELAY=1 (bench:dimse). */
  env?: Record<string, string>;
}

export interface RunningOrthanc extends ArchiveClient {
  /** `http://127.0.0.1:<port>` (its REST API). */
  url: string;
  /** `${url}/dicom-web` */
  dicomWeb: string;
  /** fetch() to Orthanc, signed in as its first user when authentication is on. */
  fetch: ArchiveFetch;
  /** `Authorization` of its first user, or undefined when authentication is off. */
  authorization: string | undefined;
  pid: number;
  /** Its DICOM port and AE title when `dimse` was given. */
  dimse: { port: number; aeTitle: string } | undefined;
  /** What Orthanc logged (stdout and stderr) so far. */
  log(): string;
  /** SIGTERM, wait for the exit, remove its storage. */
  stop(): Promise<void>;
}

/**
 * Orthanc from Debian (1.10.1) with its DICOMweb plugin, on a free loopback port with a fresh
 * storage folder, and a DICOM (DIMSE) server only when `dimse` is given: the third-party peer of
 * the exchange and DIMSE tests. Its
 * configuration follows /work/shared/bench/orthanc.json. Resolves once `GET /system` answers;
 * a start that fails rejects with Orthanc's log.
 */
export async function startOrthanc(options: OrthancOptions = {}): Promise<RunningOrthanc> {
  requireTool('Orthanc');
  const dir = await makeTempDir('orthanc');
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const dicomPort = options.dimse ? await freeLoopbackPort() : undefined;
  const users = options.users ?? {};
  const authEnabled = Object.keys(users).length > 0;
  const servers = Object.fromEntries(
    Object.entries(options.servers ?? {}).map(([name, server]) => [
      name,
      {
        Url: server.url.endsWith('/') ? server.url : `${server.url}/`,
        ...(server.username !== undefined ? { Username: server.username, Password: server.password ?? '' } : {}),
        ...(server.httpHeaders !== undefined ? { HttpHeaders: server.httpHeaders } : {}),
        ...(server.hasDelete !== undefined ? { HasDelete: server.hasDelete } : {}),
      },
    ]),
  );
  const config = {
    Name: 'pacs-test-orthanc',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'storage'),
    StorageCompression: false,
    Plugins: [ORTHANC_DICOMWEB_PLUGIN],
    HttpServerEnabled: true,
    HttpPort: port,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: authEnabled,
    RegisteredUsers: users,
    SslEnabled: false,
    OrthancExplorerEnabled: false,
    WebDavEnabled: false,
    DicomServerEnabled: options.dimse !== undefined,
    ...(options.dimse
      ? {
          DicomAet: options.dimse.aeTitle,
          DicomPort: dicomPort,
          DicomModalities: options.dimse.modalities ?? {},
          DicomCheckCalledAet: true,
          // Known AEs only, as in a hospital; the test names each one in `modalities`.
          DicomAlwaysAllowEcho: false,
          DicomAlwaysAllowStore: false,
          DicomCheckModalityHost: true,
        }
      : {}),
    DefaultEncoding: 'Utf8',
    SaveJobs: false,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, WadoRoot: '/wado', Ssl: false, Servers: servers },
    ...options.config,
  };
  const configFile = path.join(dir, 'orthanc.json');
  await fs.writeFile(configFile, JSON.stringify(config, null, 2));

  let log = '';
  const child: ChildProcess = spawn('Orthanc', [configFile], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (error) => (log += `\nspawn error: ${error.message}`));

  const [firstUser] = Object.entries(users);
  const authorization = firstUser === undefined ? undefined : basicAuthorization(firstUser[0], firstUser[1]);
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    await removeTempDir(dir);
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer ${url}/system ${exited ? '(it exited)' : `within ${START_TIMEOUT_MS} ms`}; its log:\n${log}`);
    }
    const answered = await fetch(`${url}/system`, { headers: authorization ? { authorization } : {} }).then(
      (res) => res.ok,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    dicomWeb: `${url}/dicom-web`,
    fetch: authorization ? signedInFetch(url, authorization) : (pathOrUrl, init) => fetch(new URL(pathOrUrl, url), init),
    authorization,
    pid: child.pid!,
    dimse: options.dimse && dicomPort !== undefined ? { port: dicomPort, aeTitle: options.dimse.aeTitle } : undefined,
    log: () => log,
    stop,
  };
}
