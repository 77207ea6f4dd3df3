import { describe, expect, it } from 'vitest'
import { ONE } from '../../../src/shared/cee/fixedPoint'
import { toHex } from '../../../src/shared/encoding'
import { blockHash } from '../../../src/main/node/chain/block'
import { genesisHash } from '../../../src/main/node/chain/genesis'
import { ValidatorSet } from '../../../src/main/node/chain/validators'
import {
  createLightClient,
  updateLightClient,
  type LightClientUpdate,
  type LightClientUpdateResult,
} from '../../../src/main/node/bridge/lightClient'
import {
  decodeLightClientState,
  encodeLightClientState,
  type LightClientState,
} from '../../../src/main/node/bridge/lightClientState'
import { testSigner } from '../../helpers/txs'
import { equalStakes, membersOf, RemoteCluster, signCommit, type Stake } from './remoteCluster'

/** The state after `update`, which must be accepted. */
function accepted(state: LightClientState, update: LightClientUpdate): LightClientState {
  const result = updateLightClient(state, update)
  expect(result.kind).toBe('updated')
  return result.state
}

/** The code `update` is refused with. */
function refusal(state: LightClientState, update: LightClientUpdate): string {
  let result: LightClientUpdateResult
  try {
    result = updateLightClient(state, update)
  } catch (err) {
    return (err as { code: string }).code
  }
  throw new Error(`update accepted as ${result.kind}`)
}

/** A client that trusts `remote` up to its current height. */
function following(remote: RemoteCluster, blocks: number): LightClientState {
  let state = createLightClient(remote.genesis)
  for (let i = 0; i < blocks; i++) state = accepted(state, remote.produce())
  return state
}

const signersOf = (stakes: readonly Stake[]) => stakes.map((s) => s.signer)
const hex = (set: readonly { publicKey: Uint8Array; power: bigint }[]) =>
  set.map((m) => [toHex(m.publicKey), m.power])

describe('light client: trust root', () => {
  it('starts from the genesis: height 0, its hash as parent, its validators', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const state = createLightClient(remote.genesis)
    expect(state.clusterId).toBe('remote-a')
    expect(state.trustedHeight).toBe(0)
    expect(toHex(state.trustedHeaderHash)).toBe(toHex(genesisHash(remote.genesis)))
    expect(state.trustedHeader).toBeNull()
    expect(state.frozen).toBeNull()
    expect(hex(state.validators)).toEqual(hex(new ValidatorSet(membersOf(stakes)).validators))
  })
})

describe('light client: accepting headers', () => {
  it('accepts the next header committed by every validator, leaving the old state as it was', () => {
    const remote = new RemoteCluster('remote-a', equalStakes(4))
    const genesisState = createLightClient(remote.genesis)
    const before = encodeLightClientState(genesisState)
    const update = remote.produce()
    const result = updateLightClient(genesisState, update)
    if (result.kind !== 'updated') throw new Error('not updated')
    // Ψ is of the height before the header: there is none before block 1.
    expect(result.psi).toBeNull()
    expect(result.state.trustedHeight).toBe(1)
    expect(toHex(result.state.trustedHeaderHash)).toBe(toHex(blockHash(update.header)))
    expect(result.state.trustedHeader).toEqual(update.header)
    expect(toHex(encodeLightClientState(genesisState))).toBe(toHex(before))

    let state = result.state
    for (let h = 2; h <= 5; h++) {
      const next = updateLightClient(state, remote.produce())
      expect(next).toMatchObject({ kind: 'updated', psi: ONE })
      state = next.state
    }
    expect(state.trustedHeight).toBe(5)
  })

  it('accepts 3 of 4 equal validators and refuses exactly 2/3 (2 of 3)', () => {
    const four = equalStakes(4)
    const remote4 = new RemoteCluster('remote-a', four)
    const result = updateLightClient(
      createLightClient(remote4.genesis),
      remote4.update(remote4.draft(), signersOf(four.slice(1))),
    )
    expect(result).toMatchObject({ kind: 'updated', psi: null })

    const three = equalStakes(3)
    const remote3 = new RemoteCluster('remote-a', three)
    const twoOfThree = remote3.update(remote3.draft(), signersOf(three.slice(0, 2)))
    expect(refusal(createLightClient(remote3.genesis), twoOfThree)).toBe(
      'ERR_LC_INSUFFICIENT_POWER',
    )
  })

  it('counts power, not heads, with unequal powers', () => {
    // 40 + 20 + 20 + 10 = 90: 60 is exactly two thirds, 70 is more.
    const stakes = [40n, 20n, 20n, 10n].map((power) => ({ signer: testSigner(), power }))
    const [big, mid1, mid2, small] = signersOf(stakes)
    const remote = new RemoteCluster('remote-a', stakes)
    const state = createLightClient(remote.genesis)
    const draft = remote.draft()
    expect(refusal(state, remote.update(draft, [big!, mid1!]))).toBe('ERR_LC_INSUFFICIENT_POWER')
    expect(refusal(state, remote.update(draft, [mid1!, mid2!, small!]))).toBe(
      'ERR_LC_INSUFFICIENT_POWER',
    )
    const update = remote.update(draft, [big!, mid2!, small!])
    remote.accept(draft, update.commit)
    const next = updateLightClient(accepted(state, update), remote.produce())
    expect(next).toMatchObject({ kind: 'updated', psi: (70n * ONE) / 90n })
  })
})

describe('light client: Ψ from the canonical last commit', () => {
  it('gives Ψ = 0.75 for the previous height when its last commit has 3 of 4 signers', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    let state = following(remote, 1)
    const draft = remote.draft()
    const threeOfFour = remote.update(draft, signersOf(stakes.slice(1)))
    state = accepted(state, threeOfFour)
    remote.accept(draft, threeOfFour.commit)
    // Height 3 is committed by all four, but carries height 2's commit: Ψ is of height 2.
    const result = updateLightClient(state, remote.produce())
    expect(result).toMatchObject({ kind: 'updated', psi: (3n * ONE) / 4n })
  })

  it('refuses a last commit other than the one the header carries', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const first = remote.draft()
    const thin = remote.update(first, signersOf(stakes.slice(1)))
    let state = accepted(createLightClient(remote.genesis), thin)
    remote.accept(first) // the canonical commit of height 1 has all four precommits
    const update = remote.update(remote.draft())
    // A relayer swapping in the thinner (also valid) commit would lower the cluster's Ψ.
    expect(refusal(state, { ...update, lastCommit: thin.commit })).toBe('ERR_LC_BAD_COMMIT')
    expect(refusal(state, { ...update, lastCommit: null })).toBe('ERR_LC_BAD_COMMIT')
    state = accepted(state, update)
    expect(state.trustedHeight).toBe(2)
    // Block 1 carries no last commit: a commit there is not the one its header names.
    const fresh = new RemoteCluster('remote-a', stakes)
    const genesisUpdate = fresh.update(fresh.draft())
    expect(
      refusal(createLightClient(fresh.genesis), { ...genesisUpdate, lastCommit: update.commit }),
    ).toBe('ERR_LC_BAD_COMMIT')
  })
})

describe('light client: refusing signatures', () => {
  const stakes = equalStakes(4)
  const remote = new RemoteCluster('remote-a', stakes)
  const state = createLightClient(remote.genesis)
  const draft = remote.draft()

  it('refuses a precommit by a key outside the set, even with enough power besides', () => {
    const outsider = testSigner()
    const update = remote.update(draft, [...signersOf(stakes), outsider])
    expect(refusal(state, update)).toBe('ERR_LC_UNKNOWN_SIGNER')
  })

  it('refuses a forged signature, and a real one made for another cluster', () => {
    const update = remote.update(draft)
    const forged = update.commit.signatures.map((s, i) =>
      i === 0 ? { ...s, signature: s.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : s,
    )
    expect(refusal(state, { ...update, commit: { ...update.commit, signatures: forged } })).toBe(
      'ERR_LC_BAD_SIGNATURE',
    )
    const replayed = signCommit('remote-b', draft.header, signersOf(stakes))
    expect(refusal(state, { ...update, commit: replayed })).toBe('ERR_LC_BAD_SIGNATURE')
  })

  it('refuses a commit of another block or height, and a signer counted twice', () => {
    const update = remote.update(draft)
    const other = remote.update(remote.draft({ time: 5 }))
    expect(refusal(state, { ...update, commit: other.commit })).toBe('ERR_LC_BAD_COMMIT')
    expect(refusal(state, { ...update, commit: { ...update.commit, height: 2 } })).toBe(
      'ERR_LC_BAD_COMMIT',
    )
    const [first, , third] = signersOf(stakes)
    const doubled = remote.update(draft, [first!, third!, first!])
    expect(refusal(state, doubled)).toBe('ERR_LC_BAD_COMMIT')
  })
})

describe('light client: refusing headers that do not follow', () => {
  it('refuses a header of another cluster, even signed by the same validators', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const other = new RemoteCluster('remote-b', stakes)
    expect(refusal(createLightClient(remote.genesis), other.produce())).toBe('ERR_LC_WRONG_CLUSTER')
  })

  it('refuses the trusted height again, a skipped height and an older height', () => {
    const remote = new RemoteCluster('remote-a', equalStakes(4))
    const first = remote.produce()
    const second = remote.produce()
    const third = remote.produce()
    let state = accepted(createLightClient(remote.genesis), first)
    expect(refusal(state, first)).toBe('ERR_LC_WRONG_HEIGHT')
    expect(refusal(state, third)).toBe('ERR_LC_WRONG_HEIGHT')
    state = accepted(accepted(state, second), third)
    expect(refusal(state, first)).toBe('ERR_LC_WRONG_HEIGHT')
    expect(refusal(state, second)).toBe('ERR_LC_WRONG_HEIGHT')
    expect(state.trustedHeight).toBe(3)
  })

  it('refuses a header whose parent is not the trusted header', () => {
    const remote = new RemoteCluster('remote-a', equalStakes(4))
    const state = following(remote, 2)
    const draft = remote.draft()
    const orphan = { ...draft, header: { ...draft.header, prevHash: new Uint8Array(32).fill(7) } }
    expect(refusal(state, remote.update(orphan))).toBe('ERR_LC_WRONG_PARENT')
    // Block 1 refers to the genesis itself.
    const fresh = new RemoteCluster('remote-a', equalStakes(4))
    const genesisState = createLightClient(fresh.genesis)
    const first = fresh.draft()
    const unrooted = { ...first, header: { ...first.header, prevHash: new Uint8Array(32) } }
    expect(refusal(genesisState, fresh.update(unrooted))).toBe('ERR_LC_WRONG_PARENT')
  })
})

describe('light client: validator set changes', () => {
  it('follows a set change announced in nextValidatorsHash, then trusts only the new set', () => {
    const old = equalStakes(4)
    const changed = [...old.slice(1), ...equalStakes(2, 15n)]
    const remote = new RemoteCluster('remote-a', old)
    let state = following(remote, 1)
    state = accepted(state, remote.produce(changed)) // height 2 announces the change
    expect(hex(state.validators)).toEqual(hex(new ValidatorSet(membersOf(changed)).validators))

    const byOld = remote.draft()
    expect(refusal(state, remote.update(byOld, signersOf(old)))).toBe('ERR_LC_UNKNOWN_SIGNER')
    const result = updateLightClient(state, remote.update(byOld, signersOf(changed)))
    // Height 2 was signed by the old set, all four: weighed against the new set, whose members
    // include only three of them, it would come out at 0.5.
    expect(result).toMatchObject({ kind: 'updated', psi: ONE })
    state = result.state
    remote.accept(byOld)
    state = accepted(state, remote.produce())
    expect(state.trustedHeight).toBe(4)
  })

  it('refuses a set the trusted header did not announce, even one the header names', () => {
    const old = equalStakes(4)
    const usurpers = equalStakes(4)
    const remote = new RemoteCluster('remote-a', old)
    const state = following(remote, 2)
    // A header naming the usurpers as its signers, committed by them alone.
    const draft = remote.draft()
    const hijacked = {
      ...draft,
      stakes: usurpers,
      header: { ...draft.header, validatorsHash: new ValidatorSet(membersOf(usurpers)).hash() },
    }
    expect(refusal(state, remote.update(hijacked))).toBe('ERR_LC_VALIDATORS_MISMATCH')
  })

  it('refuses a header naming a set other than the trusted one that committed it', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const state = following(remote, 1)
    const draft = remote.draft()
    const otherSet = new ValidatorSet(membersOf(equalStakes(4))).hash()
    const misnamed = { ...draft, header: { ...draft.header, validatorsHash: otherSet } }
    expect(refusal(state, remote.update(misnamed))).toBe('ERR_LC_VALIDATORS_MISMATCH')
  })

  it('refuses next validators other than the ones the header names', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const state = following(remote, 1)
    const update = remote.update(remote.draft())
    expect(update.nextValidators).toBeNull()
    const wrongPower = stakes.map((s, i) => ({ ...s, power: i === 0 ? 11n : s.power }))
    for (const nextValidators of [membersOf(wrongPower), membersOf(stakes.slice(1)), []]) {
      expect(refusal(state, { ...update, nextValidators })).toBe('ERR_LC_VALIDATORS_MISMATCH')
    }
    // A header that announces a change cannot be relayed as if the set stayed the same.
    const changing = remote.update(remote.draft({ nextStakes: stakes.slice(1) }))
    expect(changing.nextValidators).not.toBeNull()
    expect(refusal(state, { ...changing, nextValidators: null })).toBe('ERR_LC_VALIDATORS_MISMATCH')
  })
})

describe('light client: a conflicting header freezes it', () => {
  it('keeps both headers as evidence and refuses every later update', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    let state = following(remote, 2)
    const draft = remote.draft()
    const fork = remote.draft({ time: draft.header.time + 1 })
    state = accepted(state, remote.update(draft))
    remote.accept(draft)

    const conflicting = remote.update(fork, signersOf(stakes.slice(1)))
    const result = updateLightClient(state, conflicting)
    expect(result.kind).toBe('frozen')
    const frozen = result.state
    expect(frozen.frozen).toEqual({
      trusted: draft.header,
      conflicting: fork.header,
      commit: conflicting.commit,
    })
    expect(frozen.trustedHeight).toBe(3)
    expect(state.frozen).toBeNull()

    expect(refusal(frozen, remote.produce())).toBe('ERR_LC_FROZEN')
    expect(refusal(frozen, conflicting)).toBe('ERR_LC_FROZEN')
  })

  it('does not freeze on a conflicting header its validators did not commit', () => {
    const stakes = equalStakes(3)
    const remote = new RemoteCluster('remote-a', stakes)
    const draft = remote.draft()
    const fork = remote.draft({ time: draft.header.time + 1 })
    const state = accepted(createLightClient(remote.genesis), remote.update(draft))
    const twoOfThree = remote.update(fork, signersOf(stakes.slice(1)))
    expect(refusal(state, twoOfThree)).toBe('ERR_LC_INSUFFICIENT_POWER')
    const outsiders = equalStakes(3)
    const byOutsiders = remote.update({ ...fork, stakes: outsiders })
    expect(refusal(state, byOutsiders)).toBe('ERR_LC_UNKNOWN_SIGNER')
  })
})

describe('light client: stored form', () => {
  it('decodes to the same state at genesis, after updates, after a set change and frozen', () => {
    const stakes = equalStakes(4)
    const remote = new RemoteCluster('remote-a', stakes)
    const states = [createLightClient(remote.genesis)]
    states.push(accepted(states.at(-1)!, remote.produce([...stakes, ...equalStakes(1, 3n)])))
    const draft = remote.draft()
    const fork = remote.draft({ time: 1 })
    states.push(accepted(states.at(-1)!, remote.update(draft)))
    const frozen = updateLightClient(states.at(-1)!, remote.update(fork))
    states.push(frozen.state)
    for (const state of states) {
      const bytes = encodeLightClientState(state)
      const decoded = decodeLightClientState(bytes)
      expect(decoded).toEqual(state)
      expect(toHex(encodeLightClientState(decoded))).toBe(toHex(bytes))
    }
    expect(states.at(-1)!.frozen).not.toBeNull()
  })

  it('refuses truncated or extended bytes', () => {
    const bytes = encodeLightClientState(following(new RemoteCluster('r', equalStakes(2)), 1))
    expect(() => decodeLightClientState(bytes.subarray(0, bytes.length - 1))).toThrow()
    expect(() => decodeLightClientState(new Uint8Array([...bytes, 0]))).toThrow()
  })
})
