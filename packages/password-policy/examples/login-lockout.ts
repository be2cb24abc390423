// Login with the KBA lockout (delay variant), compromise detection and password expiry, in English.
import {
  checkPasswordExpiry,
  createCompromiseDetector,
  createLockout,
  InMemoryLockoutStore,
  kbaPreset,
  ManualClock,
} from '@egovkit/password-policy';

const policy = kbaPreset({ lockout: 'delay' }); // after the 3rd failure: 3 minutes per attempt, admins notified
const clock = new ManualClock(new Date('2026-11-25T08:00:00Z')); // a real application uses the system clock
const lockout = createLockout({
  policy: policy.lockout,
  store: new InMemoryLockoutStore(), // RedisLockoutStore when several application servers share the state
  clock,
  onAdministratorNotice: (notice) =>
    console.log(`notice to administrators: ${notice.account} failed ${notice.failures} times`),
});
const detector = createCompromiseDetector({
  clock,
  onSuspected: (signal) =>
    console.log(`compromise suspected: ${signal.reason} ${signal.evidence.systems?.join(' + ')}`),
});

async function login(account: string, passwordIsRight: boolean, system: string): Promise<string> {
  const attempt = await lockout.begin(account);
  if (!attempt.allowed)
    return `denied (${attempt.reason}) until ${attempt.retryAt?.toISOString() ?? 'unlocked'}`;
  if (!passwordIsRight) {
    await attempt.failed();
    await detector.record({ account, outcome: 'failure' });
    return 'wrong user ID or password'; // the same answer for both (BSI ORP.4.A23)
  }
  await attempt.succeeded();
  await detector.record({ account, outcome: 'success', sessionId: `${system}-session`, system });
  const expiry = await checkPasswordExpiry(policy.expiry, {
    account,
    kind: 'personal',
    lastChangedAt: new Date('2026-01-10T09:00:00Z'),
    clock,
    detector,
  });
  return expiry.changeRequired ? `logged in, password change required (${expiry.reason})` : 'logged in';
}

for (let i = 1; i <= 4; i++) console.log(`attempt ${i}: ${await login('jdoe', false, 'PC-017')}`);
clock.advance(3 * 60 * 1000);
console.log(`after 3 minutes: ${await login('jdoe', true, 'PC-017')}`);
console.log(`second workstation: ${await login('jdoe', true, 'PC-203')}`);
