import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intermediary, OsciError, type OsciRequest, startIntermediary } from '../src/index.js';
import { type Parties, parties } from './helpers/parties.js';

function getMessageId(controlBlock: Record<string, unknown>): OsciRequest {
  return {
    type: 'getMessageId',
    controlBlock: { id: 'controlblock', ...controlBlock },
    desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
    bodyId: 'body',
  } as unknown as OsciRequest;
}

async function refusal(promise: Promise<unknown>): Promise<OsciError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OsciError);
  return error as OsciError;
}

describe('explicit dialogs at the intermediary', () => {
  let p: Parties;
  let intermediary: Intermediary;

  beforeAll(async () => {
    p = await parties();
    intermediary = await startIntermediary(p.intermediaryOptions(p.tempDir('osci-dialogs-')));
  });
  afterAll(async () => {
    await intermediary?.close();
    p?.cleanup();
  });

  it('runs initDialog, orders with rising sequence numbers, exitDialog', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const dialog = await client.openDialog();
      expect(dialog.conversationId).toMatch(/^\d+$/);
      expect(dialog.sequenceNumber).toBe(0);
      const first = await dialog.getMessageId();
      const second = await dialog.getMessageId();
      expect(first).not.toBe(second);
      expect(dialog.sequenceNumber).toBe(2);
      expect(intermediary.openDialogs()).toBeGreaterThanOrEqual(1);
      await dialog.close();
      expect(dialog.closed).toBe(true);
      expect((await refusal(dialog.getMessageId())).code).toBe('DIALOG_CLOSED');
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong sequence number with 9400 and keeps the dialog usable', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const dialog = await client.openDialog();
      const last = await dialog.send(getMessageId({}));
      const challenge = (last.message.controlBlock as { challenge?: string }).challenge;
      // Right Response, wrong SequenceNumber (the server expects 1).
      const wrong = await refusal(
        dialog.send(
          getMessageId({
            conversationId: dialog.conversationId,
            sequenceNumber: 5,
            response: challenge,
            challenge: 'c-new',
          }),
          { keepControlBlock: true },
        ),
      );
      expect(wrong.details?.feedbackCode).toBe('9400');
      expect(wrong.message).toMatch(/SequenceNumber/);
      // The refusal changed nothing: the dialog goes on with the right state.
      expect(dialog.sequenceNumber).toBe(1);
      await expect(dialog.getMessageId()).resolves.toBeTypeOf('string');
      await dialog.close();
    } finally {
      await client.close();
    }
  });

  it('refuses a replayed challenge (a Response already answered) with 9400', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const dialog = await client.openDialog();
      const first = await dialog.send(getMessageId({}));
      const spent = (first.message.controlBlock as { challenge?: string }).challenge;
      // The next order returns `spent`; afterwards it must never be accepted again.
      await dialog.send(getMessageId({}));
      const replayed = await refusal(
        dialog.send(
          getMessageId({
            conversationId: dialog.conversationId,
            sequenceNumber: dialog.sequenceNumber,
            response: spent,
            challenge: 'fresh-challenge',
          }),
          { keepControlBlock: true },
        ),
      );
      expect(replayed.details?.feedbackCode).toBe('9400');
      expect(replayed.message).toMatch(/replayed/);
      // A challenge of the client may not be used twice either.
      const again = await dialog.send(getMessageId({}));
      const reused = await refusal(
        dialog.send(
          getMessageId({
            conversationId: dialog.conversationId,
            sequenceNumber: dialog.sequenceNumber,
            response: (again.message.controlBlock as { challenge?: string }).challenge,
            challenge: (again.message.controlBlock as { response?: string }).response,
          }),
          { keepControlBlock: true },
        ),
      );
      expect(reused.details?.feedbackCode).toBe('9400');
      await dialog.close();
    } finally {
      await client.close();
    }
  });

  it('refuses a foreign conversation id with 9400', async () => {
    const owner = p.client(intermediary.url, 'author');
    const stranger = p.client(intermediary.url, 'producer');
    try {
      const dialog = await owner.openDialog();
      const mine = await stranger.openDialog();
      const foreign = await refusal(
        mine.send(
          getMessageId({
            conversationId: dialog.conversationId,
            sequenceNumber: 0,
            response: 'guess',
            challenge: 'c',
          }),
          { keepControlBlock: true },
        ),
      );
      expect(foreign.details?.feedbackCode).toBe('9400');
      expect(foreign.message).toMatch(/another client/);
      const unknown = await refusal(
        stranger.send(
          getMessageId({ conversationId: '999999999', sequenceNumber: 0, response: 'guess', challenge: 'c' }),
          { keepControlBlock: true },
        ),
      );
      expect(unknown.details?.feedbackCode).toBe('9400');
      // The owner's dialog is untouched.
      await expect(dialog.getMessageId()).resolves.toBeTypeOf('string');
      await dialog.close();
      await mine.close();
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  it('refuses an implicit order with a sequence number other than 0', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const error = await refusal(
        client.send(getMessageId({ sequenceNumber: 3, challenge: 'c' }), { keepControlBlock: true }),
      );
      expect(error.details?.feedbackCode).toBe('9400');
    } finally {
      await client.close();
    }
  });

  it('refuses an order after exitDialog', async () => {
    const client = p.client(intermediary.url, 'author');
    try {
      const dialog = await client.openDialog();
      const id = dialog.conversationId;
      const seq = dialog.sequenceNumber;
      await dialog.close();
      const late = await refusal(
        client.send(
          getMessageId({ conversationId: id, sequenceNumber: seq + 1, response: 'r', challenge: 'c' }),
          {
            keepControlBlock: true,
          },
        ),
      );
      expect(late.details?.feedbackCode).toBe('9400');
    } finally {
      await client.close();
    }
  });
});
