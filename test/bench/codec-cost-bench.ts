import { parseArgs } from 'node:util';
import dicomParser from 'dicom-parser';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { decodeHere } from '../../server/codecs/decode-here';
import { encodeProblem } from '../../server/codecs/encode-registry';
import { encodeHere } from '../../server/codecs/encode-here';
import { nativeFrameBytes, type FrameGeometry } from '../../server/codecs/frame-geometry';
import { corpusFile } from '../helpers/corpus';
import { corpusGeometry } from '../helpers/corpus-geometry';

/**
 * CPU cost of one frame in each syntax the archive encodes (issue 11 item 3): milliseconds to
 * encode and to decode (median and fastest of --runs, after one warm-up that loads the codec), bytes and
 * ratio to native, on the corpus's 512×512 CT slice, an 8-bit RGB ultrasound and a 12-bit MR.
 * Run on this thread, one frame at a time, so the figures are the cost a worker of the codec
 * pool pays. `npm run bench:codecs [-- --runs 31]`; prints a Markdown table.
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const RUNS = Math.max(1, Number(values.runs));

const IMAGES: Array<{ label: string; file: string }> = [
  { label: 'CT 512×512, 16-bit (12 stored)', file: 'series/ct-abdomen-philips-tcia/1-036.dcm' },
  { label: 'US 640×480, 8-bit RGB', file: 'color/rgb-us-nema-us1.dcm' },
  { label: 'MR 384×384, 16-bit (12 stored)', file: 'transfer-syntaxes/mr-siemens-trio-1.2.4.90_jpeg2000-lossless.dcm' },
];

const SYNTAXES = ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203', '1.2.840.10008.1.2.4.50'];
const SHORT: Record<string, string> = {
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless .80 (CharLS)',
  '1.2.840.10008.1.2.4.202': 'HTJ2K lossless .201/.202 (OpenJPH)',
  '1.2.840.10008.1.2.4.203': 'HTJ2K lossy .203 (OpenJPH)',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline .50 (libjpeg-turbo)',
};

/** The first frame's native pixels (decoded by the archive where the file is compressed) and its geometry. */
async function corpusFrame(file: string): Promise<{ pixels: Uint8Array; geometry: FrameGeometry }> {
  const bytes = new Uint8Array(corpusFile(file));
  const ds = dicomParser.parseDicom(bytes);
  const geometry = corpusGeometry(file);
  const element = ds.elements.x7fe00010!;
  if (!element.encapsulatedPixelData)
    return { pixels: bytes.slice(element.dataOffset, element.dataOffset + nativeFrameBytes(geometry)), geometry };
  const fragment = element.fragments![0]!;
  const codestream = bytes.subarray(fragment.position, fragment.position + fragment.length);
  const frame = await decodeHere(ds.string('x00020010')!, codestream, geometry);
  return { pixels: frame.pixels, geometry: { ...geometry, photometricInterpretation: frame.photometricInterpretation } };
}

/** Median and fastest of the runs: on a shared machine the fastest is the codec's own cost, the median what contention makes of it. */
async function timesMs(run: () => Promise<unknown>): Promise<string> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return `${times[Math.floor(times.length / 2)]!.toFixed(1)} / ${times[0]!.toFixed(1)}`;
}

const rows: string[] = [
  `| image | syntax | encode ms/frame (median / min) | decode ms/frame (median / min) | bytes | ratio |`,
  `|---|---|--:|--:|--:|--:|`,
];
for (const { label, file } of IMAGES) {
  const { pixels, geometry } = await corpusFrame(file);
  rows.push(`| ${label} | native | – | – | ${pixels.length} | 1.00 |`);
  for (const uid of SYNTAXES) {
    const problem = encodeProblem(uid, geometry);
    if (problem) {
      rows.push(`| ${label} | ${SHORT[uid]} | – | – | – | not encoded: ${problem.replace(/\|/g, '/')} |`);
      continue;
    }
    const encoded = await encodeHere(uid, pixels, geometry);
    const decodeGeometry = { ...geometry, photometricInterpretation: encoded.photometricInterpretation };
    const encodeMs = await timesMs(() => encodeHere(uid, pixels, geometry));
    const decodeMs = await timesMs(() => decodeHere(uid, encoded.bytes, decodeGeometry));
    const ratio = pixels.length / encoded.bytes.length;
    rows.push(
      `| ${label} | ${SHORT[uid] ?? transferSyntax(uid)?.name} | ${encodeMs} | ${decodeMs} | ${encoded.bytes.length} | ${ratio.toFixed(2)} |`,
    );
  }
}
console.log(`Codec cost per frame, ${RUNS} runs on this thread (Node ${process.version}):\n`);
console.log(rows.join('\n'));
