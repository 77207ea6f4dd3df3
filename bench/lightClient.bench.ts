// Interchain validator throughput: remote headers a light client verifies per second, each
// committed by every validator of a set of 4, 16 or 64 (one Ed25519 verification per validator).
// Headers and commits are built and signed beforehand; only updateLightClient is timed. Prints
// JSON lines.
import {
  createLightClient,
  updateLightClient,
  type LightClientUpdate,
} from '../src/main/node/bridge/lightClient'
import { equalStakes, RemoteCluster } from '../tests/unit/bridge/remoteCluster'

/** Headers per run: the same number of signatures (16 000) for each set size. */
const RUNS = [
  { validators: 4, headers: 4_000 },
  { validators: 16, headers: 1_000 },
  { validators: 64, headers: 250 },
]

for (const { validators, headers } of RUNS) {
  const remote = new RemoteCluster(`bench-${validators}`, equalStakes(validators))
  const updates: LightClientUpdate[] = Array.from({ length: headers }, () => remote.produce())
  let state = createLightClient(remote.genesis)
  const start = process.hrtime.bigint()
  for (const update of updates) {
    const result = updateLightClient(state, update)
    if (result.kind !== 'updated') throw new Error('a valid header was not accepted')
    state = result.state
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(
    JSON.stringify({
      name: 'lightClient.update',
      validators,
      count: headers,
      seconds: +seconds.toFixed(3),
      perSecond: Math.round(headers / seconds),
      signaturesPerSecond: Math.round((headers * validators) / seconds),
    }),
  )
}
