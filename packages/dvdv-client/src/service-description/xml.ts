/**
 * A small, strict XML reader for service descriptions: elements, attributes, text, CDATA, comments, the
 * five predefined entities and character references, with namespace resolution. A DOCTYPE is rejected, so
 * no DTD, no external entity and no entity expansion can happen. Not a general-purpose XML parser.
 */

export interface XmlElement {
  readonly name: string;
  readonly localName: string;
  /** Resolved namespace URI; '' for none. */
  readonly namespace: string;
  /** Attributes by qualified name as written (namespace declarations excluded). */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly (XmlElement | string)[];
}

export class XmlSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'XmlSyntaxError';
    this.position = position;
  }
}

const NAME = /[A-Za-z_][\w.\-:]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, offset: number): string {
  return text.replace(/&([^;&\s]*);?/g, (match, name: string, index: number) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError('unterminated entity reference', offset + index);
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      const valid =
        Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code < 0xe000);
      if (!valid || !/^#(x[0-9A-Fa-f]+|[0-9]+)$/.test(name)) {
        throw new XmlSyntaxError(`invalid character reference &${name};`, offset + index);
      }
      return String.fromCodePoint(code);
    }
    const replacement = PREDEFINED[name];
    if (replacement === undefined) throw new XmlSyntaxError(`unknown entity &${name};`, offset + index);
    return replacement;
  });
}

interface Frame {
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly namespaces: Map<string, string>;
  readonly children: (XmlElement | string)[];
}

function resolve(
  frame: Frame,
  qualifiedName: string,
  position: number,
): { local: string; namespace: string } {
  const colon = qualifiedName.indexOf(':');
  const prefix = colon < 0 ? '' : qualifiedName.slice(0, colon);
  const local = colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
  const namespace = frame.namespaces.get(prefix);
  if (namespace === undefined && prefix !== '') {
    throw new XmlSyntaxError(`undeclared namespace prefix ${prefix}`, position);
  }
  return { local, namespace: namespace ?? '' };
}

/** Parses a document and returns its root element. */
export function parseXml(text: string, options: { readonly maxLength?: number } = {}): XmlElement {
  const maxLength = options.maxLength ?? 512 * 1024;
  if (text.length > maxLength) throw new XmlSyntaxError(`document longer than ${maxLength} characters`, 0);
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const root: Frame = {
    name: '',
    attributes: new Map(),
    namespaces: new Map([['xml', 'xml']]),
    children: [],
  };
  const stack: Frame[] = [root];
  const elements = new WeakMap<Frame, XmlElement>();
  let rootElement: XmlElement | undefined;

  const readName = (): string => {
    NAME.lastIndex = position;
    const match = NAME.exec(text);
    if (match === null) throw new XmlSyntaxError('expected a name', position);
    position += match[0].length;
    return match[0];
  };
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position] ?? '')) position++;
  };
  const expect = (literal: string) => {
    if (!text.startsWith(literal, position)) throw new XmlSyntaxError(`expected ${literal}`, position);
    position += literal.length;
  };
  const until = (terminator: string): string => {
    const end = text.indexOf(terminator, position);
    if (end < 0) throw new XmlSyntaxError(`missing ${terminator}`, position);
    const content = text.slice(position, end);
    position = end + terminator.length;
    return content;
  };

  while (position < text.length) {
    const current = stack[stack.length - 1] as Frame;
    if (text.startsWith('<!--', position)) {
      position += 4;
      until('-->');
    } else if (text.startsWith('<?', position)) {
      position += 2;
      until('?>');
    } else if (text.startsWith('<![CDATA[', position)) {
      if (stack.length === 1) throw new XmlSyntaxError('CDATA outside the root element', position);
      position += 9;
      current.children.push(until(']]>'));
    } else if (text.startsWith('<!', position)) {
      throw new XmlSyntaxError('DOCTYPE and other declarations are not accepted', position);
    } else if (text.startsWith('</', position)) {
      position += 2;
      const name = readName();
      skipSpace();
      expect('>');
      if (stack.length === 1 || current.name !== name) {
        throw new XmlSyntaxError(`unexpected end tag </${name}>`, position);
      }
      stack.pop();
      const { local, namespace } = resolve(current, name, position);
      const element: XmlElement = {
        name,
        localName: local,
        namespace,
        attributes: current.attributes,
        children: current.children,
      };
      elements.set(current, element);
      (stack[stack.length - 1] as Frame).children.push(element);
      if (stack.length === 1) rootElement = element;
    } else if (text[position] === '<') {
      position++;
      if (stack.length === 1 && rootElement !== undefined) {
        throw new XmlSyntaxError('more than one root element', position);
      }
      const name = readName();
      const attributes = new Map<string, string>();
      const namespaces = new Map(current.namespaces);
      for (;;) {
        const before = position;
        skipSpace();
        if (text.startsWith('/>', position) || text[position] === '>') break;
        if (position === before)
          throw new XmlSyntaxError('expected whitespace before an attribute', position);
        const attribute = readName();
        skipSpace();
        expect('=');
        skipSpace();
        const quote = text[position];
        if (quote !== '"' && quote !== "'") throw new XmlSyntaxError('expected a quoted value', position);
        position++;
        const valueStart = position;
        const raw = until(quote);
        if (raw.includes('<')) throw new XmlSyntaxError('< in an attribute value', valueStart);
        const value = decodeEntities(raw, valueStart);
        if (attributes.has(attribute))
          throw new XmlSyntaxError(`duplicate attribute ${attribute}`, valueStart);
        if (attribute === 'xmlns') namespaces.set('', value);
        else if (attribute.startsWith('xmlns:')) namespaces.set(attribute.slice(6), value);
        else attributes.set(attribute, value);
      }
      const frame: Frame = { name, attributes, namespaces, children: [] };
      if (text.startsWith('/>', position)) {
        position += 2;
        const { local, namespace } = resolve(frame, name, position);
        const element: XmlElement = { name, localName: local, namespace, attributes, children: [] };
        current.children.push(element);
        if (stack.length === 1) rootElement = element;
      } else {
        position++;
        stack.push(frame);
      }
    } else {
      const start = position;
      const end = text.indexOf('<', position);
      position = end < 0 ? text.length : end;
      const raw = text.slice(start, position);
      if (stack.length === 1) {
        if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element', start);
      } else {
        current.children.push(decodeEntities(raw, start));
      }
    }
  }
  if (stack.length !== 1)
    throw new XmlSyntaxError(`unclosed element <${stack[stack.length - 1]?.name}>`, position);
  if (rootElement === undefined) throw new XmlSyntaxError('no root element', position);
  return rootElement;
}

/** Child elements of `element` with the given namespace and local name. */
export function childElements(element: XmlElement, namespace: string, localName: string): XmlElement[] {
  return element.children.filter(
    (child): child is XmlElement =>
      typeof child !== 'string' && child.namespace === namespace && child.localName === localName,
  );
}

/** The concatenated text of an element and its descendants. */
export function textContent(element: XmlElement): string {
  return element.children.map((child) => (typeof child === 'string' ? child : textContent(child))).join('');
}
