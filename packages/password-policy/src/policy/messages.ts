import type { FailureParams, Locale, PasswordFailureCode } from './types.js';

/** A message: a template with `{param}` placeholders, or a function of the failure's parameters. */
export type MessageTemplate = string | ((params: FailureParams) => string);

export type MessageCatalogue = Readonly<Record<PasswordFailureCode, MessageTemplate>>;

/** Replacement messages per locale; codes left out keep the built-in text. */
export type MessageOverrides = Partial<Record<Locale, Partial<Record<PasswordFailureCode, MessageTemplate>>>>;

const CLASS_NAMES_DE: Record<string, string> = {
  lowercase: 'Kleinbuchstaben',
  uppercase: 'Großbuchstaben',
  digit: 'Ziffern',
  special: 'Sonderzeichen',
};

const FIELD_NAMES_DE: Record<string, string> = {
  userId: 'die Benutzerkennung',
  name: 'den Namen',
  authority: 'den Namen der Behörde',
  product: 'den Namen des Verfahrens',
  words: 'ein gesperrtes Wort',
};

const FIELD_NAMES_EN: Record<string, string> = {
  userId: 'the user ID',
  name: 'the name',
  authority: 'the name of the authority',
  product: 'the name of the application',
  words: 'a forbidden word',
};

function field(names: Record<string, string>, params: FailureParams): string {
  return names[String(params.field)] ?? String(params.field);
}

const de: MessageCatalogue = {
  PASSWORD_TOO_SHORT: 'Das Passwort muss mindestens {min} Zeichen lang sein (es hat {length}).',
  PASSWORD_TOO_LONG: 'Das Passwort darf höchstens {max} Zeichen lang sein (es hat {length}).',
  PASSWORD_MISSING_LOWERCASE: 'Das Passwort muss mindestens einen Kleinbuchstaben enthalten.',
  PASSWORD_MISSING_UPPERCASE: 'Das Passwort muss mindestens einen Großbuchstaben enthalten.',
  PASSWORD_MISSING_DIGIT: 'Das Passwort muss mindestens eine Ziffer enthalten.',
  PASSWORD_MISSING_SPECIAL: 'Das Passwort muss mindestens ein Sonderzeichen enthalten.',
  PASSWORD_TOO_FEW_CHARACTER_CLASSES: (p) =>
    `Bei ${p.length} Zeichen muss das Passwort mindestens ${p.required} der Zeichenarten ` +
    `${Object.values(CLASS_NAMES_DE).join(', ')} enthalten (es enthält ${p.present})` +
    (p.longerLength === undefined ? '.' : `; ab ${p.longerLength} Zeichen genügen ${p.longerClasses}.`),
  PASSWORD_REUSED: 'Das Passwort darf keinem der letzten {count} Passwörter entsprechen.',
  PASSWORD_COMMON: (p) =>
    p.kind === 'keyboardWalk'
      ? 'Das Passwort beruht auf einer Tastaturfolge und ist leicht zu erraten.'
      : 'Das Passwort steht in einer Liste gängiger Passwörter oder beruht auf einem solchen Passwort.',
  PASSWORD_CONTAINS_CONTEXT: (p) => `Das Passwort darf nicht ${field(FIELD_NAMES_DE, p)} enthalten.`,
  PASSWORD_BREACHED: 'Das Passwort ist aus Datenlecks bekannt und darf nicht verwendet werden.',
  PASSWORD_TOO_WEAK: 'Das Passwort ist zu leicht zu erraten (Stärke {score} von 4, verlangt {minScore}).',
};

const en: MessageCatalogue = {
  PASSWORD_TOO_SHORT: 'The password must be at least {min} characters long (it has {length}).',
  PASSWORD_TOO_LONG: 'The password must be at most {max} characters long (it has {length}).',
  PASSWORD_MISSING_LOWERCASE: 'The password must contain at least one lower-case letter.',
  PASSWORD_MISSING_UPPERCASE: 'The password must contain at least one upper-case letter.',
  PASSWORD_MISSING_DIGIT: 'The password must contain at least one digit.',
  PASSWORD_MISSING_SPECIAL: 'The password must contain at least one special character.',
  PASSWORD_TOO_FEW_CHARACTER_CLASSES: (p) =>
    `With ${p.length} characters the password must contain at least ${p.required} of lower-case letters, ` +
    `upper-case letters, digits and special characters (it contains ${p.present})` +
    (p.longerLength === undefined
      ? '.'
      : `; from ${p.longerLength} characters on, ${p.longerClasses} are enough.`),
  PASSWORD_REUSED: 'The password must not be one of the last {count} passwords.',
  PASSWORD_COMMON: (p) =>
    p.kind === 'keyboardWalk'
      ? 'The password is based on a keyboard sequence and easy to guess.'
      : 'The password is on a list of common passwords or based on one.',
  PASSWORD_CONTAINS_CONTEXT: (p) => `The password must not contain ${field(FIELD_NAMES_EN, p)}.`,
  PASSWORD_BREACHED: 'The password is known from data breaches and must not be used.',
  PASSWORD_TOO_WEAK: 'The password is too easy to guess (strength {score} of 4, required {minScore}).',
};

export const builtInMessages: Readonly<Record<Locale, MessageCatalogue>> = { de, en };

function interpolate(template: string, params: FailureParams): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) return placeholder;
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}

/** The message for a failure in `locale`, from the overrides when they have one. */
export function renderMessage(
  code: PasswordFailureCode,
  params: FailureParams,
  locale: Locale,
  overrides: MessageOverrides | undefined,
): string {
  const template = overrides?.[locale]?.[code] ?? builtInMessages[locale][code];
  return typeof template === 'function' ? template(params) : interpolate(template, params);
}
