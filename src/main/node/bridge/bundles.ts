import { bytesEqual, decode } from '../../../shared/encoding'
import type { Chain } from '../chain/chain'
import { BridgeMessageCodec, messageProof, receiverOf } from './packet'
import { MAX_BUNDLES, type Bundle } from './relayProtocol'

/** An answer stays well under the session's largest message. */
const MAX_ANSWER_MESSAGES = 4_000

/**
 * The heights `from`… of `chain` as a relayer of cluster `forCluster` needs them: each header with
 * its commits, the next validator set when it changes, and the messages for that cluster with
 * their proofs.
 */
export async function readBundles(
  chain: Chain,
  forCluster: string,
  from: number,
  max: number,
): Promise<Bundle[]> {
  const bundles: Bundle[] = []
  let messageCount = 0
  const last = Math.min(chain.height, from + Math.min(max, MAX_BUNDLES) - 1)
  for (let height = Math.max(1, from); height <= last; height++) {
    const decided = await chain.decided(height)
    if (!decided) break
    const { block, commit } = decided
    const leaves = await chain.bridgeMessages(height)
    const messages: Bundle['messages'] = []
    leaves.forEach((leaf, index) => {
      const message = decode(BridgeMessageCodec, leaf)
      if (receiverOf(message) === forCluster) {
        const proof = messageProof(leaves, index)
        messages.push({ message, proof: { ...proof, siblings: [...proof.siblings] } })
      }
    })
    const set = chain.validatorSet(height)
    const next = chain.validatorSet(height + 1)
    bundles.push({
      header: block.header,
      commit,
      lastCommit: block.lastCommit,
      nextValidators: bytesEqual(set.hash(), next.hash())
        ? null
        : next.validators.map((v) => ({ publicKey: v.publicKey, power: v.power })),
      messages,
    })
    messageCount += messages.length
    if (messageCount >= MAX_ANSWER_MESSAGES) break
  }
  return bundles
}
