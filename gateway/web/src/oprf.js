// Blinding, proof verification and finalization (docs/protocol.md §2, §4):
// RFC 9497 VOPRF mode, ristretto255-SHA512, through @cloudflare/voprf-ts
// with its @noble/curves provider.

import { DLEQProof, Evaluation, Oprf, VOPRFClient } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { decodeB64, encodeB64 } from './b64.js';

export const SUITE = 'ristretto255-SHA512';
const ELEMENT_SIZE = 32;
const PROOF_SIZE = 64;

/**
 * Decodes a group element, refusing anything not exactly 32 bytes, not
 * canonical, or the identity (§2).
 * @param {import('@cloudflare/voprf-ts').Group} group
 * @param {Uint8Array} bytes
 */
function element(group, bytes) {
  if (bytes.length !== ELEMENT_SIZE) throw new Error('element is not 32 bytes');
  const e = group.desElt(bytes);
  if (e.isIdentity()) throw new Error('element is the identity');
  return e;
}

/**
 * Checks that a public key decodes to a valid element.
 * @param {Uint8Array} pk 32 bytes
 */
export function checkPublicKey(pk) {
  element(Oprf.getGroup(Oprf.Suite.RISTRETTO255_SHA512, CryptoNoble), pk);
}

/** A VOPRF client that uses a given blind: only for test vectors. */
class FixedBlindClient extends VOPRFClient {
  /** @param {Uint8Array} pk @param {Uint8Array} blind */
  constructor(pk, blind) {
    super(Oprf.Suite.RISTRETTO255_SHA512, pk, CryptoNoble);
    this.fixedBlind = blind;
  }

  randomBlinder() {
    return Promise.resolve(this.group.desScalar(this.fixedBlind));
  }
}

/**
 * One blinded input, kept until the courier's evaluation arrives.
 */
export class Blinding {
  /**
   * @param {VOPRFClient} client
   * @param {import('@cloudflare/voprf-ts').FinalizeData} finData
   * @param {string} blinded b64 of the blinded element
   */
  constructor(client, finData, blinded) {
    this.client = client;
    this.finData = finData;
    /** b64 of the blinded element, as POST /v1/evaluate sends it. */
    this.blinded = blinded;
  }

  /**
   * Blinds x for the courier key pk.
   * @param {Uint8Array} pk the courier's public key
   * @param {Uint8Array} x the OPRF input
   * @param {Uint8Array} [blind] a fixed blind scalar (tests only)
   * @returns {Promise<Blinding>}
   */
  static async blind(pk, x, blind) {
    const client = blind
      ? new FixedBlindClient(pk, blind)
      : new VOPRFClient(Oprf.Suite.RISTRETTO255_SHA512, pk, CryptoNoble);
    const [finData, evalReq] = await client.blind([x]);
    return new Blinding(client, finData, encodeB64(evalReq.blinded[0].serialize()));
  }

  /**
   * Verifies the proof against the courier key and finalizes to y.
   * @param {string} evaluatedB64 the evaluated element
   * @param {string} proofB64 the proof c‖s
   * @returns {Promise<Uint8Array>} y, 64 bytes
   * @throws {Error} when an element or the proof is malformed or does not verify
   */
  async finalize(evaluatedB64, proofB64) {
    const group = this.client.group;
    const evaluated = element(group, decodeB64(evaluatedB64));
    const proofBytes = decodeB64(proofB64);
    if (proofBytes.length !== PROOF_SIZE) throw new Error('proof is not 64 bytes');
    const proof = DLEQProof.deserialize(group.id, proofBytes, CryptoNoble);
    const [y] = await this.client.finalize(this.finData, new Evaluation(Oprf.Mode.VOPRF, [evaluated], proof));
    return y;
  }
}
