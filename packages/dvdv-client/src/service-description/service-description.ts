import { DvdvError } from '../errors.js';
import { childElements, parseXml, textContent, type XmlElement, XmlSyntaxError } from './xml.js';

/** WSDL 1.1, the language of DVDV service descriptions. */
export const WSDL_NAMESPACE = 'http://schemas.xmlsoap.org/wsdl/';
/**
 * Namespace of this package's DVDV extension elements. The real DVDV extension is not public; this one is
 * assumed (see README, "Data model and sources").
 */
export const DVDV_EXTENSION_NAMESPACE = 'urn:egovkit:dvdv:service-description:1';

export interface ServiceDescriptionTransport {
  /** e.g. `OSCI-Transport`. */
  readonly protocol: string;
  readonly version: string | undefined;
  /** e.g. `asynchronous` or `synchronous`. */
  readonly scenario: string | undefined;
}

export interface ServiceDescriptionPort {
  readonly service: string;
  readonly port: string;
  readonly binding: string | undefined;
  /** OSCI intermediary URL given in the description, if any. */
  readonly intermediaryUrl: string | undefined;
  readonly addressee: string | undefined;
}

/** A parsed service description (Dienstbeschreibung). */
export interface ServiceDescription {
  /** WSDL `name`; with `targetNamespace` it identifies the description. */
  readonly name: string;
  readonly targetNamespace: string;
  /** Text of `wsdl:documentation` (the DVDV puts an HTML description there), trimmed. */
  readonly documentation: string;
  readonly version: string | undefined;
  /** Organisation categories that offer this kind of service. */
  readonly providerCategories: readonly string[];
  /** Organisation categories allowed to use it (send to it). */
  readonly consumerCategories: readonly string[];
  readonly transport: ServiceDescriptionTransport | undefined;
  /** Service elements (Dienstelemente) a service of this kind must list, e.g. `intermediary`. */
  readonly requiredElements: readonly string[];
  readonly ports: readonly ServiceDescriptionPort[];
}

function invalid(message: string, cause?: unknown): DvdvError {
  return new DvdvError(
    'DVDV_SERVICE_DESCRIPTION_INVALID',
    `invalid service description: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function required(element: XmlElement, attribute: string): string {
  const value = element.attributes.get(attribute)?.trim();
  if (value === undefined || value === '')
    throw invalid(`<${element.name}> lacks the ${attribute} attribute`);
  return value;
}

function texts(parent: XmlElement | undefined, localName: string): string[] {
  if (parent === undefined) return [];
  return childElements(parent, DVDV_EXTENSION_NAMESPACE, localName)
    .map((element) => textContent(element).trim())
    .filter((value) => value !== '');
}

/**
 * Parses a DVDV service description: a WSDL 1.1 document whose `definitions` carry a `dvdv:description`
 * and whose ports may carry a `dvdv:osciEndpoint`. Throws `DVDV_SERVICE_DESCRIPTION_INVALID`.
 */
export function parseServiceDescription(xml: string): ServiceDescription {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalid(error.message, error);
    throw error;
  }
  if (root.namespace !== WSDL_NAMESPACE || root.localName !== 'definitions') {
    throw invalid(`the root element is {${root.namespace}}${root.localName}, not wsdl:definitions`);
  }
  const description = childElements(root, DVDV_EXTENSION_NAMESPACE, 'description')[0];
  const transportElement =
    description === undefined
      ? undefined
      : childElements(description, DVDV_EXTENSION_NAMESPACE, 'transport')[0];
  const documentation = childElements(root, WSDL_NAMESPACE, 'documentation')[0];
  const ports = childElements(root, WSDL_NAMESPACE, 'service').flatMap((service) =>
    childElements(service, WSDL_NAMESPACE, 'port').map((port): ServiceDescriptionPort => {
      const endpoint = childElements(port, DVDV_EXTENSION_NAMESPACE, 'osciEndpoint')[0];
      return {
        service: required(service, 'name'),
        port: required(port, 'name'),
        binding: port.attributes.get('binding'),
        intermediaryUrl: endpoint?.attributes.get('intermediary'),
        addressee: endpoint?.attributes.get('addressee'),
      };
    }),
  );
  return {
    name: required(root, 'name'),
    targetNamespace: required(root, 'targetNamespace'),
    documentation: documentation === undefined ? '' : textContent(documentation).trim(),
    version: description?.attributes.get('version'),
    providerCategories: texts(description, 'providerCategory'),
    consumerCategories: texts(description, 'consumerCategory'),
    transport:
      transportElement === undefined
        ? undefined
        : {
            protocol: required(transportElement, 'protocol'),
            version: transportElement.attributes.get('version'),
            scenario: transportElement.attributes.get('scenario'),
          },
    requiredElements: texts(description, 'requiredElement'),
    ports,
  };
}
