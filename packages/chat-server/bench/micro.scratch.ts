import { startStack } from '../test/_stack.js';
import {
  ChatClient,
  generateSigner,
  signChatEvent,
  encodeChatEvent,
  roomEventSubject,
  userToken,
} from '../src/index.js';
const s = await startStack();
const ak = generateSigner('ed25519');
const alice = await ChatClient.connect({ servers: s.url, signer: ak });
const bob = await ChatClient.connect({ servers: s.url, signer: generateSigner('ed25519') });
await alice.createRoom('bench');
await bob.join('bench');
// sender only
let t = performance.now();
const ps = [];
for (let i = 0; i < 3000; i++) ps.push(alice.send({ room: 'bench' }, `x ${i}`));
const tSync = performance.now() - t;
await Promise.all(ps);
console.log(
  'sender: sync loop',
  (tSync / 3000).toFixed(3),
  'ms/msg; until all acked',
  ((performance.now() - t) / 3000).toFixed(3),
);
// sign only
t = performance.now();
const evs = [];
for (let i = 0; i < 3000; i++)
  evs.push(
    encodeChatEvent(
      signChatEvent(
        ak,
        alice.userId,
        { room: 'bench' },
        { op: 'message', text: `y ${i}` },
        Date.now(),
      ),
    ),
  );
console.log('sign only', ((performance.now() - t) / 3000).toFixed(3));
// receiver only
let got = 0;
let t1 = 0;
const w = bob.watch({ room: 'bench' }, (it) => {
  if (it.kind === 'event' && ++got === 3000) t1 = performance.now();
});
await w.ready;
const subj = roomEventSubject('bench', userToken(alice.userId));
t = performance.now();
for (const e of evs) alice.nc.publish(subj, e);
await alice.nc.flush();
const tPub = performance.now() - t;
while (got < 3000) await new Promise((r) => setTimeout(r, 5));
console.log(
  'raw publish of signed',
  (tPub / 3000).toFixed(3),
  'receiver until all checked',
  ((t1 - t) / 3000).toFixed(3),
  'ms/msg',
);
w.stop();
await alice.close();
await bob.close();
await s.stop();
