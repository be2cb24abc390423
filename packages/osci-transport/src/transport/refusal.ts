import { OsciError } from '../errors.js';

/** OSCI code for a failure of reading or checking a request. */
export function codeForFailure(error: unknown): { code: string; reason: string; status: number } {
  if (error instanceof OsciError) {
    const details = error.details ?? {};
    const explicit = details.feedbackCode;
    if (typeof explicit === 'string') return { code: explicit, reason: error.message, status: 500 };
    const stage = details.stage;
    if (error.code === 'HTTP_BODY_TOO_LARGE') return { code: '9100', reason: error.message, status: 413 };
    if (error.code === 'TIMEOUT' || error.code === 'HTTP_ERROR')
      return { code: '9100', reason: error.message, status: 400 };
    if (stage === 'mime' || stage === 'parse') return { code: '9100', reason: error.message, status: 500 };
    if (stage === 'decrypt') return { code: '9202', reason: error.message, status: 500 };
    if (stage === 'order') return { code: '9300', reason: error.message, status: 500 };
    if (stage === 'signature') {
      if (error.code === 'SIGNATURE_MISSING') return { code: '9600', reason: error.message, status: 500 };
      if (error.code === 'SIGNATURE_REFERENCE_INVALID' || error.code === 'MIME_PART_MISSING') {
        return { code: '9602', reason: error.message, status: 500 };
      }
      if (error.code.startsWith('CERTIFICATE_')) {
        const revoked = details.reason === 'revoked';
        return { code: revoked ? '9701' : '9700', reason: error.message, status: 500 };
      }
      return { code: '9601', reason: error.message, status: 500 };
    }
  }
  return { code: '9000', reason: 'internal error', status: 500 };
}
