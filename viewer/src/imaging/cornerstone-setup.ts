/** cornerstone-core set up once per page load: our loader on the `dicomweb:` scheme and a bounded image cache. */
import cornerstone from 'cornerstone-core';
import { SCHEME } from './image-ids';
import { loadDicomwebImage } from './image-loader';

const CACHE_BYTES = 1024 * 1024 * 1024;
let ready = false;

export function setUpCornerstone(): typeof cornerstone {
  if (!ready) {
    cornerstone.registerImageLoader(SCHEME, loadDicomwebImage);
    cornerstone.imageCache.setMaximumSizeBytes(CACHE_BYTES);
    ready = true;
  }
  return cornerstone;
}
