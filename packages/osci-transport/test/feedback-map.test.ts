import { describe, expect, it } from 'vitest';
import { OsciError } from '../src/errors.js';
import { assertFeedbackOk, FEEDBACK_CODES, feedbackLevel, feedbackToError } from '../src/feedback.js';

describe('feedback', () => {
  it('classifies codes by their class digit', () => {
    expect(feedbackLevel('0800')).toBe('ok');
    expect(feedbackLevel('3800')).toBe('warning');
    expect(feedbackLevel('9400')).toBe('error');
    expect(FEEDBACK_CODES.get('0801')).toMatchObject({
      level: 'ok',
      en: 'Order executed, dialog still open',
    });
    expect(FEEDBACK_CODES.get('9202')?.de).toBe('Auftragsdaten konnten nicht entschlüsselt werden');
    for (const info of FEEDBACK_CODES.values()) expect(info.code).toMatch(/^[039]\d{3}$/);
  });

  it('maps the first error entry to FEEDBACK_ERROR and ignores ok/warnings', () => {
    expect(
      feedbackToError([
        { code: '0801', text: 'ok' },
        { code: '3800', text: 'more' },
      ]),
    ).toBeUndefined();
    const e = feedbackToError([
      { code: '0801', text: 'ok' },
      { code: '9400', text: 'Response falsch', lang: 'de' },
    ]);
    expect(e).toBeInstanceOf(OsciError);
    expect(e?.code).toBe('FEEDBACK_ERROR');
    expect(e?.details).toEqual({ feedbackCode: '9400', text: 'Response falsch', known: true });
    expect(feedbackToError({ code: '9999', text: 'unknown' })?.details).toEqual({
      feedbackCode: '9999',
      text: 'unknown',
      known: false,
    });
    expect(() => assertFeedbackOk([{ code: '9801', text: 'x' }])).toThrow(OsciError);
    expect(() => assertFeedbackOk([{ code: '0800', text: 'x' }])).not.toThrow();
  });
});

describe('feedback input checks', () => {
  it('refuses malformed feedback with MESSAGE_INVALID instead of crashing', async () => {
    const { feedbackLevel, feedbackToError } = await import('../src/feedback.js');
    expect(() => feedbackLevel(undefined as never)).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID' }),
    );
    expect(() => feedbackLevel('08')).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
    expect(() => feedbackToError(undefined as never)).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID' }),
    );
    expect(() => feedbackToError([{ code: 'x', text: 'y' }] as never)).toThrow(
      expect.objectContaining({ code: 'MESSAGE_INVALID' }),
    );
  });
});
