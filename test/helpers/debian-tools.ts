import { spawnSync } from 'node:child_process';

/**
 * The Debian command-line tools the tests use: independent implementations to check the
 * archive's output against, and the browser of the viewer's tests. `npm run test:tools`
 * (test/setup/install-test-tools.ts, the first step of `npm test`) installs the missing ones;
 * a test that finds one missing fails at once, naming that command.
 */
export const TEST_TOOLS = {
  gdcmconv: {
    debianPackage: 'libgdcm-tools',
    usedFor: 'GDCM: reference decoder and compressor (codecs, transcoding, viewer and bench:viewer)',
  },
  dcmconv: { debianPackage: 'dcmtk', usedFor: 'DCMTK: reference Explicit VR Little Endian encoding (transcoding)' },
  dcmcjpeg: { debianPackage: 'dcmtk', usedFor: 'DCMTK: lossy JPEG of RGB without colour transform (corpus decode cases)' },
  dcmdjpls: { debianPackage: 'dcmtk', usedFor: 'DCMTK: reference JPEG-LS decoder (frame encoders)' },
  dcmdjpeg: { debianPackage: 'dcmtk', usedFor: 'DCMTK: reference JPEG decoder (frame encoders)' },
  dcmdump: { debianPackage: 'dcmtk', usedFor: 'DCMTK: reads what de-identification and the opinion SR write' },
  dcmmkdir: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the reference DICOMDIR writer the File-set download is compared with' },
  dcmodify: { debianPackage: 'dcmtk', usedFor: 'DCMTK: edits a corpus file (compressed-at-rest: a native CT lossy once)' },
  echoscu: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the independent DIMSE client (C-ECHO) the DIMSE codecs answer' },
  storescu: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the modality that C-STOREs into the DIMSE listener' },
  findscu: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the independent C-FIND SCU (DIMSE query, Vietnamese names in ISO_IR 192)' },
  movescu: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the independent C-MOVE SCU (DIMSE retrieve to a storescp)' },
  getscu: { debianPackage: 'dcmtk', usedFor: 'DCMTK: the independent C-GET SCU (DIMSE retrieve on the same association)' },
  storescp: {
    debianPackage: 'dcmtk',
    usedFor: 'DCMTK: the reference C-STORE SCP whose bit-preserving files the DIMSE listener is compared with',
  },
  opj_decompress: { debianPackage: 'libopenjp2-tools', usedFor: 'OpenJPEG: reference JPEG 2000 / HTJ2K decoder (transcoding)' },
  ojph_expand: {
    debianPackage: 'openjph-tools',
    usedFor: 'OpenJPH: reference HTJ2K decoder, also of resolution-limited prefixes (frame encoders)',
  },
  ojph_compress: { debianPackage: 'openjph-tools', usedFor: 'OpenJPH: HTJ2K colour without a colour transform (frame encoders)' },
  opj_dump: { debianPackage: 'libopenjp2-tools', usedFor: 'OpenJPEG: reads HTJ2K main headers (htj2k-codestream)' },
  dciodvfy: { debianPackage: 'dicom3tools', usedFor: 'dicom3tools: checks the opinion SR against its IOD' },
  unzip: { debianPackage: 'unzip', usedFor: 'reads the ZIP downloads (zip-download, anonymized shares)' },
  pdftoppm: { debianPackage: 'poppler-utils', usedFor: 'renders the printed report PDF to PNG so its QR code can be decoded (report e2e)' },
  curl: { debianPackage: 'curl', usedFor: "runs the README's curl examples" },
  openssl: { debianPackage: 'openssl', usedFor: 'makes a private CA and a server certificate for HTTPS peers (peers test)' },
  hunspell: {
    debianPackage: 'hunspell hunspell-en-us hunspell-vi',
    usedFor: 'English and Vietnamese dictionaries: the no-English-in-Vietnamese walker (no-english-in-vi e2e)',
  },
  Orthanc: {
    debianPackage: 'orthanc orthanc-dicomweb',
    usedFor: 'Orthanc 1.10.1 with its DICOMweb plugin: a third-party peer that pushes to and pulls from us (peer quirks, exchange)',
  },
  'swift-proxy-server': {
    debianPackage: 'swift-proxy swift-account swift-container swift-object memcached',
    usedFor:
      'OpenStack Swift with its S3 API: the real S3 server of ../shared/s3/start-real-s3.sh (storage contract, S3 round trip and outage)',
  },
  mount: { debianPackage: 'mount', usedFor: 'mounts the small tmpfs the full-disk tests fill (full-disk)' },
  chromium: { debianPackage: 'chromium', usedFor: "the browser of the viewer's end-to-end tests and bench:viewer" },
} as const satisfies Record<string, { debianPackage: string; usedFor: string }>;

export type TestTool = keyof typeof TEST_TOOLS;

export function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

const found = new Set<TestTool>();

/** Fails fast when a tool of TEST_TOOLS is missing, instead of installing it in the middle of a test run. */
export function requireTool(binary: TestTool): void {
  if (found.has(binary)) return;
  if (!onPath(binary)) {
    const { debianPackage, usedFor } = TEST_TOOLS[binary];
    throw new Error(`${binary} is not installed (Debian package ${debianPackage}; ${usedFor}). Run \`npm run test:tools\` first.`);
  }
  found.add(binary);
}
