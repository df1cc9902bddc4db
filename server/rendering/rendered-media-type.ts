import { multipartPartsOf, parseAccept } from '../../shared/dicomweb/media-types';
import { AppError } from '../../shared/errors';

/**
 * Rendered Media Types we produce (PS3.18 8.7.4, Table 8.7.4-1): image/jpeg is the default,
 * image/png and image/gif are the other required single-frame types; image/gif also carries
 * all frames of a multi-frame instance as an animation.
 */
export const RENDERED_TYPES = ['image/jpeg', 'image/png', 'image/gif'] as const;
export type RenderedType = (typeof RENDERED_TYPES)[number];

export const DEFAULT_RENDERED_TYPE: RenderedType = 'image/jpeg';

export function isRenderedType(type: string): type is RenderedType {
  return (RENDERED_TYPES as readonly string[]).includes(type);
}

/**
 * The media type to render into, from the `accept` query parameter (PS3.18 8.3.3.1), which
 * replaces the Accept header when present, else from the Accept header. `multipart/related;
 * type="image/png"` names the parts' type for answers with several images. 406 when nothing
 * acceptable can be produced.
 */
export function negotiateRenderedType(acceptHeader: string | undefined, acceptParam: string | undefined): RenderedType {
  const accept = acceptParam ?? acceptHeader;
  if (accept === undefined || accept.trim() === '') return DEFAULT_RENDERED_TYPE;
  for (const range of parseAccept(accept)) {
    if (range.q <= 0) continue;
    const type = range.type === 'multipart/related' ? (multipartPartsOf(range).type ?? DEFAULT_RENDERED_TYPE) : range.type;
    if (type === '*/*' || type === 'image/*' || type === 'multipart/*') return DEFAULT_RENDERED_TYPE;
    if (isRenderedType(type)) return type;
  }
  throw new AppError('NOT_ACCEPTABLE', `Rendered images are available as ${RENDERED_TYPES.join(', ')} (PS3.18 8.7.4).`);
}
