import { bytesEqual, toHex } from '../../../shared/encoding'
import { VOTE_TYPE, voteSignBytes, type Commit } from '../chain/block'
import type { ValidatorSet } from '../chain/validators'
import { ed25519Verify } from '../crypto'
import { ConsensusError } from './errors'

/** Which rule a refused commit broke, for callers that report each one differently. */
export type CommitFault =
  'wrong-block' | 'duplicate-signer' | 'unknown-signer' | 'bad-signature' | 'insufficient-power'

/** A refused commit certificate: consensus sees ERR_BAD_COMMIT, a light client the `fault`. */
export class CommitError extends ConsensusError {
  constructor(
    readonly fault: CommitFault,
    message: string,
  ) {
    super('ERR_BAD_COMMIT', message)
  }
}

/**
 * Checks a commit certificate: it is for `height` and `blockHash`, every signature is a valid
 * precommit by a distinct member of `validators`, and together they hold more than 2/3 of the
 * power. Returns the power that signed (Ψ's numerator); throws a CommitError otherwise.
 */
export function verifyCommit(
  clusterId: string,
  validators: ValidatorSet,
  commit: Commit,
  height: number,
  blockHash: Uint8Array,
): bigint {
  if (commit.height !== height) {
    throw new CommitError('wrong-block', `commit is for height ${commit.height}, not ${height}`)
  }
  if (!bytesEqual(commit.blockHash, blockHash)) {
    throw new CommitError('wrong-block', 'commit is for another block')
  }
  const message = voteSignBytes(clusterId, {
    type: VOTE_TYPE.precommit,
    height,
    round: commit.round,
    blockHash,
  })
  const seen = new Set<string>()
  let power = 0n
  for (const sig of commit.signatures) {
    const id = toHex(sig.validator)
    if (seen.has(id)) throw new CommitError('duplicate-signer', 'duplicate signer in commit')
    seen.add(id)
    const index = validators.indexOf(sig.validator)
    if (index < 0) throw new CommitError('unknown-signer', `unknown signer ${id} in commit`)
    const validator = validators.validators[index]!
    if (!ed25519Verify(validator.publicKey, message, sig.signature)) {
      throw new CommitError('bad-signature', `invalid precommit signature by ${id}`)
    }
    power += validator.power
  }
  if (!validators.hasTwoThirds(power)) {
    throw new CommitError('insufficient-power', 'commit has no more than 2/3 of the voting power')
  }
  return power
}
