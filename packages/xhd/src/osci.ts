// OSCI hand-over (entry `@egovkit/xhd/osci`). Only *types* come from @egovkit/osci-transport: a content container
// is a plain object, so this entry does not load osci-transport at run time, and the main entry never sees it.
import type { ContentContainer } from '@egovkit/osci-transport';
// The main entry by its package name, not by relative path: the built `osci` entry then shares the main entry's
// module instance (one `XhdError` class for `instanceof`, one compiled-schema cache) instead of bundling a copy.
import {
  serializeXhd,
  type ValidateOptions,
  validateXhd,
  XhdError,
  type XhdMessage,
  type XhdValidationResult,
} from '@egovkit/xhd';

/**
 * Ref-ID (`Id`) of the mandatory content container of both XhD services, `xhd17Beh2DhServiceOsci` (authority →
 * producer) and `xhd17Dh2BehServiceOsci` (producer → authority), TR-03132 § 5.1 / § 5.2.
 */
export const XHD_CONTAINER_ID = 'XHD_DATA';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface ToOsciOptions extends ValidateOptions {
  /** Container `Id`; default `XHD_DATA`. Change it only for a deployment that names the container differently. */
  readonly containerId?: string;
  /** `Id` of the one `osci:Content`; default none (`signContentContainer` assigns `<container>-content-1`). */
  readonly contentId?: string;
  /**
   * Validate the message (`validateXhd`: XSD + rules) before it is packed; default true. An invalid message is
   * refused with `XhdError` `XHD_MESSAGE_INVALID` (`details.issues`).
   */
  readonly validate?: boolean;
}

export interface FromOsciOptions extends ValidateOptions {
  /** Expected container `Id`; default `XHD_DATA`. */
  readonly containerId?: string;
}

/** The XhD message taken out of a content container, with its validation result. */
export interface XhdFromOsci {
  /** The message as XML document (XML declaration + the element carried in the container). */
  readonly xml: string;
  /** `validateXhd(xml, options)`; `validation.message` is the parsed model when the structure could be read. */
  readonly validation: XhdValidationResult;
}

/** What can be handed over: XML text, a message model, or the `{ xml, message }` of `buildXhd` / `buildFehlerinformation`. */
export type XhdOsciInput = string | XhdMessage | { readonly xml: string; readonly message: XhdMessage };

function toXml(input: XhdOsciInput): string {
  if (typeof input === 'string') return input;
  return 'nachricht' in input ? serializeXhd(input) : input.xml;
}

/** The root element as text: XML declaration, comments before it and surrounding whitespace removed. */
function elementText(xml: string): string {
  const trimmed = xml.replace(/^\uFEFF/, '').trimStart();
  const withoutDeclaration = trimmed.startsWith('<?xml') ? trimmed.slice(trimmed.indexOf('?>') + 2) : trimmed;
  const start = withoutDeclaration.indexOf('<');
  const body = (start < 0 ? withoutDeclaration : withoutDeclaration.slice(start)).trimEnd();
  if (!body.startsWith('<') || body.startsWith('<!') || body.startsWith('<?')) {
    throw new XhdError('XHD_XML_MALFORMED', 'The XhD message does not start with an element.');
  }
  return body;
}

/**
 * Packs an XhD message (XML, a built `{ xml, message }` or a message model) into the OSCI content container
 * TR-03132 § 5.1 prescribes: container `XHD_DATA` holding exactly one `Content` with the XML message. The message
 * is validated first (see `options.validate`). Sign the container with osci-transport's `signContentContainer`
 * (the profile asks for an author signature on the container, `signatureLevel="advanced"`).
 */
export async function toOsciContentContainer(
  input: XhdOsciInput,
  options: ToOsciOptions = {},
): Promise<ContentContainer> {
  const xml = toXml(input);
  if (options.validate !== false) {
    const result = await validateXhd(xml, options);
    if (!result.valid) {
      throw new XhdError('XHD_MESSAGE_INVALID', 'The XhD message is not valid; it is not handed over.', {
        details: { issues: result.issues.map(({ code, path }) => ({ code, path })) },
      });
    }
  }
  return {
    id: options.containerId ?? XHD_CONTAINER_ID,
    contents: [
      {
        kind: 'xml',
        ...(options.contentId === undefined ? {} : { id: options.contentId }),
        xml: [elementText(xml)],
      },
    ],
  };
}

/**
 * Takes the XhD message out of an `XHD_DATA` content container (decrypted; verify its author signature with
 * osci-transport's `verifyContentContainer` – this function does not look at signatures) and validates it.
 * A container that is not the XhD container – other `Id`, not exactly one XML `Content` with one element – throws
 * `XhdError` `XHD_OSCI_CONTAINER_INVALID`; an invalid message comes back as `validation.valid === false`.
 */
export async function fromOsciContentContainer(
  container: ContentContainer,
  options: FromOsciOptions = {},
): Promise<XhdFromOsci> {
  const expected = options.containerId ?? XHD_CONTAINER_ID;
  const fail = (reason: string): never => {
    throw new XhdError('XHD_OSCI_CONTAINER_INVALID', `Not an XhD content container: ${reason}.`, {
      details: { containerId: container.id, reason },
    });
  };
  if (container.id !== expected) fail(`Id is "${container.id}", expected "${expected}"`);
  if ((container.encryptedData ?? []).length > 0) fail('it holds encrypted data; decrypt it first');
  const contents = container.contents ?? [];
  const [content] = contents;
  if (contents.length !== 1 || content === undefined) fail(`${contents.length} Content elements, expected 1`);
  if (content?.kind !== 'xml') fail(`the Content is of kind "${content?.kind}", expected XML`);
  const elements = content?.kind === 'xml' ? content.xml : [];
  if (elements.length !== 1) fail(`the Content holds ${elements.length} elements, expected 1`);
  const xml = `${XML_DECLARATION}${elements[0] ?? ''}\n`;
  return { xml, validation: await validateXhd(xml, options) };
}
