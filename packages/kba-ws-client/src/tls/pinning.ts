import { KbaWsError } from '../errors.js';

const PIN_PATTERN = /^sha256\/([A-Za-z0-9+/]{43}=)$/;

/**
 * A validated set of SPKI SHA-256 pins (RFC 7469 format `sha256/<base64>`). A connection is accepted when
 * any certificate of the validated chain (leaf, intermediate or root) matches any pin. At least two
 * distinct pins are required so that one can be a backup for a key not yet in use.
 */
export class PinSet {
  readonly pins: readonly string[];

  private constructor(pins: readonly string[]) {
    this.pins = pins;
  }

  /** Validates and freezes a pin list; throws `PIN_SET_INVALID`. */
  static from(pins: readonly string[]): PinSet {
    if (!Array.isArray(pins)) {
      throw new KbaWsError('PIN_SET_INVALID', 'Pins must be an array of "sha256/<base64>" strings.');
    }
    const normalised: string[] = [];
    for (const pin of pins) {
      const match = typeof pin === 'string' ? PIN_PATTERN.exec(pin.trim()) : null;
      if (match === null || Buffer.from(match[1] ?? '', 'base64').length !== 32) {
        throw new KbaWsError(
          'PIN_SET_INVALID',
          'A pin must be "sha256/" followed by the base64 SHA-256 of a DER SubjectPublicKeyInfo (44 characters).',
          { details: { pin: String(pin) } },
        );
      }
      const value = `sha256/${match[1]}`;
      if (!normalised.includes(value)) normalised.push(value);
    }
    if (normalised.length < 2) {
      throw new KbaWsError(
        'PIN_SET_INVALID',
        'A pin set needs at least two distinct pins: the key in use and at least one backup (RFC 7469 § 4.3).',
        { details: { pins: normalised.length } },
      );
    }
    return new PinSet(Object.freeze(normalised));
  }

  /** The pins that match the given chain pins. */
  matching(chainPins: readonly string[]): string[] {
    return this.pins.filter((pin) => chainPins.includes(pin));
  }
}
