import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CONTROL_BLOCK_RULES,
  type InitDialog,
  type OsciMessage,
  type OsciMessageType,
} from '../src/model/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

describe('model', () => {
  it('types ControlBlock fields per message (required / prohibited)', () => {
    expectTypeOf<InitDialog['controlBlock']['challenge']>().toEqualTypeOf<string>();
    expectTypeOf<InitDialog['controlBlock']['conversationId']>().toEqualTypeOf<undefined>();
    // @ts-expect-error a challenge is required in initDialog
    const cb: InitDialog['controlBlock'] = { id: 'x' };
    expect(cb.id).toBe('x');
  });

  it('has a sample and ControlBlock rule for every order type', () => {
    const types = Object.keys(SAMPLES) as OsciMessageType[];
    expect(types).toHaveLength(26);
    for (const t of Object.keys(CONTROL_BLOCK_RULES)) expect(types).toContain(t);
    const discriminated = (m: OsciMessage): string => m.type;
    expect(discriminated(SAMPLES.soapFault)).toBe('soapFault');
  });
});
