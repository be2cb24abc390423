import { randomBytes, randomInt } from 'node:crypto';
import { OsciError } from '../errors.js';
import type { Certificate, ControlBlock } from '../model/types.js';

/** An explicit dialog as the intermediary keeps it. */
export interface DialogState {
  readonly conversationId: string;
  /** SPKI SHA-256 of the client's signature certificate that opened the dialog. */
  readonly owner: string;
  /** The client's encryption certificate from initDialog: every response of the dialog is encrypted for it. */
  readonly clientCipherCertificate: Certificate;
  /** SequenceNumber the next request must carry (0 for the first order after initDialog). */
  nextSequence: number;
  /** The challenge of the last response; the next request must return it as its Response. */
  challenge: string;
  /** Challenges of earlier responses, already answered: returning one again is a replay. */
  readonly spent: Set<string>;
  /** Challenges the client has used in this dialog; each may be used once. */
  readonly clientChallenges: Set<string>;
  lastActive: number;
  busy: boolean;
}

/** A refusal with OSCI code 9400 (ConversationId, SequenceNumber or Response not correct). */
export function dialogRefusal(reason: string, details: Record<string, unknown> = {}): OsciError {
  return new OsciError(
    'FEEDBACK_ERROR',
    `ConversationId, SequenceNumber or Response not correct: ${reason}`,
    {
      details: { ...details, feedbackCode: '9400', reason },
    },
  );
}

/** A fresh challenge: 128 random bits, base64. */
export function newChallenge(): string {
  return randomBytes(16).toString('base64');
}

/** A fresh conversation id: 30 random decimal digits (`osci:Number`). */
export function newConversationId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 30) digits += String(randomInt(0, 10));
  return digits;
}

/**
 * The explicit dialogs of an intermediary, in memory (a restart ends them, as a client must then open a new
 * one). Every request of a dialog must come from the client that opened it (same signature key), return
 * the challenge of the previous response, carry the next SequenceNumber and a challenge not used before.
 */
export class Dialogs {
  private readonly dialogs = new Map<string, DialogState>();

  constructor(private readonly idleMs: number) {}

  open(owner: string, clientCipherCertificate: Certificate, clientChallenge: string): DialogState {
    this.sweep();
    let conversationId = newConversationId();
    while (this.dialogs.has(conversationId)) conversationId = newConversationId();
    const dialog: DialogState = {
      conversationId,
      owner,
      clientCipherCertificate,
      nextSequence: 0,
      challenge: newChallenge(),
      spent: new Set(),
      clientChallenges: new Set([clientChallenge]),
      lastActive: Date.now(),
      busy: false,
    };
    this.dialogs.set(conversationId, dialog);
    return dialog;
  }

  /**
   * Checks the ControlBlock of a request in a dialog and locks the dialog for it. Unknown or foreign
   * conversation, wrong Response (a replayed one in particular), wrong SequenceNumber and a reused client
   * challenge are refused with 9400.
   */
  enter(controlBlock: ControlBlock, owner: string): DialogState {
    const id = controlBlock.conversationId as string;
    const dialog = this.dialogs.get(id);
    if (dialog === undefined || Date.now() - dialog.lastActive > this.idleMs) {
      throw dialogRefusal('unknown or expired conversation', { conversationId: id });
    }
    if (dialog.owner !== owner) throw dialogRefusal('the conversation belongs to another client');
    if (dialog.busy) throw dialogRefusal('another request of this conversation is in progress');
    if (controlBlock.response === undefined || controlBlock.response !== dialog.challenge) {
      if (controlBlock.response !== undefined && dialog.spent.has(controlBlock.response)) {
        throw dialogRefusal('replayed challenge');
      }
      throw dialogRefusal('Response does not return the last challenge');
    }
    if (controlBlock.sequenceNumber !== dialog.nextSequence) {
      throw dialogRefusal('wrong SequenceNumber', {
        expected: dialog.nextSequence,
        received: controlBlock.sequenceNumber,
      });
    }
    if (controlBlock.challenge === undefined || dialog.clientChallenges.has(controlBlock.challenge)) {
      throw dialogRefusal('challenge already used in this conversation');
    }
    dialog.busy = true;
    return dialog;
  }

  /** Releases a dialog after a refused request: its state does not change. */
  leave(dialog: DialogState): void {
    dialog.busy = false;
  }

  /** Advances a dialog after a request was answered: the answered challenge is spent. */
  advance(dialog: DialogState, clientChallenge: string, nextChallenge: string): void {
    dialog.spent.add(dialog.challenge);
    dialog.clientChallenges.add(clientChallenge);
    dialog.challenge = nextChallenge;
    dialog.nextSequence++;
    dialog.lastActive = Date.now();
    dialog.busy = false;
  }

  close(dialog: DialogState): void {
    this.dialogs.delete(dialog.conversationId);
  }

  get size(): number {
    return this.dialogs.size;
  }

  /** Forgets idle dialogs. */
  sweep(): void {
    const now = Date.now();
    for (const [id, dialog] of this.dialogs) {
      if (!dialog.busy && now - dialog.lastActive > this.idleMs) this.dialogs.delete(id);
    }
  }
}
