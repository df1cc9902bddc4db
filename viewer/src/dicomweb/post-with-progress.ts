/**
 * A POST through XMLHttpRequest, because `fetch` reports no upload progress: on a slow link a
 * 20 MiB STOW-RS batch would otherwise show no movement until its answer.
 */
import { archiveUnreachable } from './base';

export interface PostOptions {
  /** Called as the request body goes out: bytes sent so far of `total` (the whole body). */
  onProgress?: (sent: number, total: number) => void;
  /** Aborts the request in flight. Parts the archive had fully received before may be stored. */
  signal?: AbortSignal;
}

/** The request was aborted through `PostOptions.signal`; what reached the archive is unknown. */
export class StoreCancelledError extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'StoreCancelledError';
  }
}

/** An answer read as text (XMLHttpRequest has no `Response`). */
export interface TextAnswer {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
}

/** Any answer resolves, error statuses too; an unreachable archive rejects with `ArchiveError` (status 0), an abort with `StoreCancelledError`. */
export function postWithProgress(url: string, body: Blob, headers: Record<string, string>, options: PostOptions): Promise<TextAnswer> {
  const { onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new StoreCancelledError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', abort);
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    if (onProgress) xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : body.size);
    xhr.onload = () => {
      settle();
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        contentType: xhr.getResponseHeader('Content-Type') ?? '',
        body: xhr.responseText,
      });
    };
    xhr.onerror = () => {
      settle();
      reject(archiveUnreachable('network error'));
    };
    xhr.onabort = () => {
      settle();
      reject(new StoreCancelledError());
    };
    signal?.addEventListener('abort', abort, { once: true });
    xhr.send(body);
  });
}
