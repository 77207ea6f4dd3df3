import { it } from 'vitest'
import { encodeTx } from '../../../src/main/node/ledger/tx'
import { signedAction, testSigner } from '../../helpers/txs'
import { equalStakes, RemoteCluster } from './remoteCluster'

it('probe', () => {
  const out: string[] = []
  for (const n of [4, 16, 20, 21, 24, 30]) {
    const remote = new RemoteCluster('cluster-remote', equalStakes(n))
    remote.produce()
    const u = remote.produce()
    const tx = signedAction('x', testSigner(), { action: { kind: 'bridgeUpdate', ...u, nextValidators: null }, nonce: 0, fee: 1n })
    out.push(`${n}:${encodeTx(tx).length}`)
  }
  throw new Error(out.join(' '))
})
