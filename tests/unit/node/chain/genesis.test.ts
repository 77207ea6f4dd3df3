import { describe, expect, it } from 'vitest'
import { encodeAddress } from '../../../../src/shared/address'
import { toHex } from '../../../../src/shared/encoding'
import { ONE_TOKEN } from '../../../../src/shared/tokens'
import {
  genesisHash,
  genesisStakes,
  genesisSupply,
  genesisToFile,
  parseGenesis,
  type GenesisFile,
} from '../../../../src/main/node/chain/genesis'
import { createDevnetGenesis, DEVNET_VALIDATOR_POWER } from '../../../../src/main/node/devnet'
import { stakeKey } from '../../../../src/main/node/ledger/stakes'
import { testSigner } from '../../../helpers/txs'

const validator = testSigner()
const account = testSigner()
const other = testSigner()

/** A devnet genesis in file form, as a node writes it. */
function devnetFile(): GenesisFile {
  return genesisToFile(
    createDevnetGenesis({
      consensusPublicKey: validator.publicKey(),
      accountPublicKey: account.publicKey(),
      time: 1_000,
    }),
  )
}

/** The same file as written before staking: no owners, no staking parameters. */
function legacyFile(): unknown {
  const file = devnetFile()
  return {
    ...file,
    params: { minFee: file.params.minFee },
    validators: file.validators.map(({ publicKey, power }) => ({ publicKey, power })),
  }
}

function refusal(json: unknown): string | undefined {
  try {
    parseGenesis(json)
    return undefined
  } catch (err) {
    return (err as { code: string }).code
  }
}

describe('genesis with staking', () => {
  it('reads a file without owners or staking parameters: first account, 100 blocks, 1 CHR', () => {
    const g = parseGenesis(legacyFile())
    expect(g.validators[0]!.owner).toEqual(account.address)
    expect(g.unbondingBlocks).toBe(100)
    expect(g.minValidatorStake).toBe(ONE_TOKEN)
    // Written back, the defaults are explicit and read the same.
    expect(parseGenesis(genesisToFile(g))).toEqual(g)
  })

  it('reads a named owner and staking parameters, and the hash commits to them', () => {
    const file = devnetFile()
    const named = {
      ...file,
      params: { ...file.params, unbondingBlocks: 7, minValidatorStake: '5' },
      validators: [{ ...file.validators[0]!, owner: encodeAddress(other.address) }],
    }
    const g = parseGenesis(named)
    expect(g.validators[0]!.owner).toEqual(other.address)
    expect(g.unbondingBlocks).toBe(7)
    expect(g.minValidatorStake).toBe(5n)
    const hashes = new Set(
      [devnetFile(), named, { ...named, params: { ...named.params, unbondingBlocks: 8 } }].map(
        (f) => toHex(genesisHash(parseGenesis(f))),
      ),
    )
    expect(hashes.size).toBe(3)
  })

  it('counts the validators stake in the supply and as stake records', () => {
    const g = parseGenesis(devnetFile())
    const accounts = g.accounts[0]!.balances[0] + g.pool.reserves[0]
    expect(genesisSupply(g)[0]).toBe(accounts + DEVNET_VALIDATOR_POWER)
    expect(genesisStakes(g)).toEqual([
      [stakeKey(validator.publicKey()), { owner: account.address, amount: DEVNET_VALIDATOR_POWER }],
    ])
  })

  it('refuses a bad owner, too little power, or out-of-range staking parameters', () => {
    const file = devnetFile()
    const withValidator = (fields: object) => ({
      ...file,
      validators: [{ ...file.validators[0]!, ...fields }],
    })
    const withParams = (fields: object) => ({ ...file, params: { ...file.params, ...fields } })
    expect(refusal(withValidator({ owner: 'coh1notanaddress' }))).toBe('ERR_BAD_GENESIS')
    expect(refusal(withValidator({ power: (ONE_TOKEN - 1n).toString() }))).toBe('ERR_BAD_GENESIS')
    expect(refusal(withParams({ unbondingBlocks: 1 }))).toBe('ERR_BAD_GENESIS')
    expect(refusal(withParams({ minValidatorStake: '0' }))).toBe('ERR_BAD_GENESIS')
    expect(refusal(devnetFile())).toBeUndefined()
  })
})
