/** SOAP 1.1 envelope namespace; OSCI 1.2 is bound to SOAP 1.1 only. */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Namespace of all OSCI-Transport 1.2 elements (order.xsd and the per-message schemas). */
export const OSCI_NS = 'http://www.osci.de/2002/04/osci';
/** Namespace of the 2017 supplement "Effiziente Übertragung großer Datenmengen" (partial messages, FeatureDescription). */
export const OSCI2017_NS = 'http://xoev.de/transport/osci12/7';
/** Namespace of the 2020s supplement element `IvLength` (order_zusatz.xsd); used inside EncryptedData only. */
export const OSCI128_NS = 'http://xoev.de/transport/osci12/8';
/** XML Signature namespace. */
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** XML Encryption namespace. */
export const XENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
/** XML Schema instance namespace (declared on the envelope as in the specification's examples). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** The `xml:` namespace (for `xml:lang` on feedback entries). */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Fixed `soap:actor` of all OSCI header blocks that every node processes (DefaultHeaderBlockTemplate). */
export const SOAP_ACTOR_NEXT = 'http://schemas.xmlsoap.org/soap/actor/next';
/** Fixed `soap:actor` of the certificate header blocks (IntermediaryCertificates, NonIntermediaryCertificates). */
export const SOAP_ACTOR_NONE = 'http://www.w3.org/2001/12/soap-envelope/actor/none';
