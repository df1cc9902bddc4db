/**
 * The one registry of error codes: each code has its HTTP status and a default message.
 * Handlers throw `AppError`; one middleware turns it into `{ code, message, requestId }`.
 * Messages never contain patient data (STYLE.md rule 6).
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  INVALID_UID: { status: 400, message: 'A UID in the request is not a valid DICOM UID (PS3.5 9.1).' },
  INVALID_QUERY: { status: 400, message: 'A query parameter is unknown or malformed.' },
  MALFORMED_MULTIPART: { status: 400, message: 'The multipart/related body could not be parsed.' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required: sign in, or send HTTP Basic credentials or a Bearer token.' },
  FORBIDDEN: { status: 403, message: 'Your account is not allowed to do this.' },
  NOT_FOUND: { status: 404, message: 'The requested resource does not exist.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed on this resource.' },
  NOT_ACCEPTABLE: { status: 406, message: 'None of the media types or transfer syntaxes in Accept can be produced.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the archive state.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than allowed.' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many failed attempts; wait before trying again.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The Content-Type of the request is not supported here.' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested byte range lies outside the value.' },
  BLOB_NOT_FOUND: { status: 404, message: 'The stored object does not exist.' },
  STORAGE_FAILURE: { status: 503, message: 'Object storage is unavailable.' },
  STORAGE_FULL: { status: 503, message: "The archive's disk is nearly full; new instances are refused until space is freed." },
  // A peer archive (server/exchange) that failed us: neither the client's fault nor ours, so 502 Bad Gateway.
  PEER_UNREACHABLE: { status: 502, message: 'The peer did not answer.' },
  PEER_ERROR: { status: 502, message: 'The peer answered with an error or not as DICOMweb does.' },
  INTERNAL: { status: 500, message: 'Internal server error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** How long to wait before asking again (with TOO_MANY_REQUESTS), sent as Retry-After (RFC 9110 10.2.3). */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** The JSON body every error response carries. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  requestId?: string;
}
