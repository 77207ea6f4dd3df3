import { describe, expect, it } from 'vitest'
import { VOTE_TYPE, voteSignBytes } from '../../../../src/main/node/chain/block'
import {
  PrivValidator,
  type SignGuardStore,
} from '../../../../src/main/node/consensus/privValidator'
import { ed25519Verify } from '../../../../src/main/node/crypto'
import { testSigner } from '../../../helpers/txs'

function memoryGuardStore(): SignGuardStore & { value?: Uint8Array; writes: number } {
  const store = {
    value: undefined as Uint8Array | undefined,
    writes: 0,
    signGuard: () => Promise.resolve(store.value),
    putSignGuard(v: Uint8Array) {
      store.value = v
      store.writes++
      return Promise.resolve()
    },
  }
  return store
}

const hashA = new Uint8Array(32).fill(1)
const hashB = new Uint8Array(32).fill(2)

describe('double-sign protection', () => {
  it('signs a vote and persists the guard before returning', async () => {
    const signer = testSigner()
    const store = memoryGuardStore()
    const pv = await PrivValidator.load(signer, store, 'c')
    const vote = { type: VOTE_TYPE.prevote, height: 5, round: 0, blockHash: hashA }
    const sig = await pv.signVote(vote)
    expect(store.writes).toBe(1)
    expect(ed25519Verify(signer.publicKey(), voteSignBytes('c', vote), sig)).toBe(true)
  })

  it('returns the same signature for the same vote and refuses a conflicting one', async () => {
    const pv = await PrivValidator.load(testSigner(), memoryGuardStore(), 'c')
    const vote = { type: VOTE_TYPE.precommit, height: 5, round: 1, blockHash: hashA }
    const first = await pv.signVote(vote)
    expect(await pv.signVote(vote)).toEqual(first)
    await expect(pv.signVote({ ...vote, blockHash: hashB })).rejects.toMatchObject({
      code: 'ERR_DOUBLE_SIGN_REFUSED',
    })
    await expect(pv.signVote({ ...vote, blockHash: null })).rejects.toMatchObject({
      code: 'ERR_DOUBLE_SIGN_REFUSED',
    })
  })

  it('refuses anything at an earlier height, round or step', async () => {
    const pv = await PrivValidator.load(testSigner(), memoryGuardStore(), 'c')
    await pv.signVote({ type: VOTE_TYPE.precommit, height: 5, round: 2, blockHash: hashA })
    for (const vote of [
      { type: VOTE_TYPE.prevote, height: 5, round: 2, blockHash: hashA },
      { type: VOTE_TYPE.precommit, height: 5, round: 1, blockHash: hashA },
      { type: VOTE_TYPE.prevote, height: 4, round: 9, blockHash: hashA },
    ]) {
      await expect(pv.signVote(vote)).rejects.toMatchObject({ code: 'ERR_DOUBLE_SIGN_REFUSED' })
    }
    await expect(
      pv.signProposal({ height: 5, round: 2, polRoundPlusOne: 0, blockHash: hashB }),
    ).rejects.toMatchObject({ code: 'ERR_DOUBLE_SIGN_REFUSED' })
    await expect(
      pv.signVote({ type: VOTE_TYPE.prevote, height: 5, round: 3, blockHash: hashB }),
    ).resolves.toBeInstanceOf(Uint8Array)
  })

  it('remembers across a restart', async () => {
    const signer = testSigner()
    const store = memoryGuardStore()
    const before = await PrivValidator.load(signer, store, 'c')
    await before.signVote({ type: VOTE_TYPE.prevote, height: 7, round: 0, blockHash: hashA })
    await before.signVote({ type: VOTE_TYPE.precommit, height: 7, round: 0, blockHash: hashA })
    const after = await PrivValidator.load(signer, store, 'c')
    expect(after.lastSigned()).toEqual({ height: 7, round: 0, step: 2 })
    // Both votes of the height come back, to be sent again after the restart.
    expect(after.votesAtLastHeight().map((v) => v.body.type)).toEqual([
      VOTE_TYPE.prevote,
      VOTE_TYPE.precommit,
    ])
    await expect(
      after.signVote({ type: VOTE_TYPE.precommit, height: 7, round: 0, blockHash: hashB }),
    ).rejects.toMatchObject({ code: 'ERR_DOUBLE_SIGN_REFUSED' })
    await after.signVote({ type: VOTE_TYPE.prevote, height: 8, round: 0, blockHash: hashB })
    expect(after.votesAtLastHeight()).toHaveLength(1)
  })

  it('never lets two concurrent requests both pass the guard', async () => {
    const pv = await PrivValidator.load(testSigner(), memoryGuardStore(), 'c')
    const results = await Promise.allSettled([
      pv.signVote({ type: VOTE_TYPE.prevote, height: 1, round: 0, blockHash: hashA }),
      pv.signVote({ type: VOTE_TYPE.prevote, height: 1, round: 0, blockHash: hashB }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  })
})
