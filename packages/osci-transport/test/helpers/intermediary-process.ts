/**
 * Runs a local intermediary in its own process for crash tests: configured from the environment
 * (OSCI_DATA_DIR, and TEST_PKI_DIR from the vitest global setup), prints `LISTENING <url>` when ready.
 */
import { getTestPki } from '@egovkit/testkit';
import { startIntermediary } from '../../src/index.js';

const pki = await getTestPki();
const cert = pki.certificates;
const dataDir = process.env.OSCI_DATA_DIR;
if (dataDir === undefined) throw new Error('OSCI_DATA_DIR is not set');
const intermediary = await startIntermediary({
  dataDir,
  signer: {
    key: cert.osciIntermediarySignature.privateKeyPem,
    certificateChain: [cert.osciIntermediarySignature.chainPem],
  },
  decryption: {
    key: cert.osciIntermediaryEncryption.privateKeyPem,
    certificate: cert.osciIntermediaryEncryption.certificatePem,
  },
  trustAnchors: [pki.trustAnchorPem],
  intermediates: [cert.subCa.certificatePem],
});
process.stdout.write(`LISTENING ${intermediary.url}\n`);
