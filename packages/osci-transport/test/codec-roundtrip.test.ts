import { describe, expect, it } from 'vitest';
import { attachmentReferences, parseOsciMessage, serializeOsciMessage } from '../src/codec/index.js';
import type { OsciMessageType } from '../src/model/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

describe('codec round trip', () => {
  for (const type of Object.keys(SAMPLES) as OsciMessageType[]) {
    it(`${type}: build → serialise → parse → deep-equal, and serialisation is stable`, () => {
      const message = SAMPLES[type];
      const xml = serializeOsciMessage(message);
      const parsed = parseOsciMessage(xml);
      expect(parsed).toEqual(message);
      expect(serializeOsciMessage(parsed)).toBe(xml);
    });
  }

  it('lists the cid references of Content elements, including nested containers', () => {
    expect(attachmentReferences(SAMPLES.storeDelivery)).toEqual(['attachment-1@egovkit']);
    expect(attachmentReferences(SAMPLES.partialStoreDelivery)).toEqual(['chunk-1']);
    expect(attachmentReferences(SAMPLES.initDialog)).toEqual([]);
  });
});
