import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';

/** The TOTP time step (30 seconds) of now. */
export function currentTimeStep(): number {
  return Math.floor(Date.now() / 30_000);
}

/** The code an authenticator app shows in a time step. */
export function totpCode(secret: string, step = currentTimeStep()): Promise<string> {
  return generate({ secret, epoch: step * 30 });
}

/** Six digits that are no code of the secret from two steps before now to two after. */
export async function wrongTotpCode(secret: string): Promise<string> {
  const now = currentTimeStep();
  const near = await Promise.all([-2, -1, 0, 1, 2].map((d) => totpCode(secret, now + d)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.includes(candidate)) return candidate;
  }
}

// The time step of each owner's last code; the portal refuses it and earlier ones (replay).
const lastTimeSteps = new Map<string, number>();

/** Notes that an owner's code of this time step was used (enrolment does that too). */
export function rememberUsedStep(owner: { id: string }, step: number): void {
  lastTimeSteps.set(owner.id, Math.max(step, lastTimeSteps.get(owner.id) ?? 0));
}

/**
 * A code the portal accepts now for an owner (staff member or account) with this secret: of the
 * current step, or of a later one than the last used (the portal accepts one step ahead). When that
 * is used up too, waits for the next step.
 */
export async function nextCodeFor(owner: { id: string }, secret: string): Promise<string> {
  const step = Math.max(currentTimeStep(), (lastTimeSteps.get(owner.id) ?? 0) + 1);
  if (step > currentTimeStep() + 1) await sleep((step - 1) * 30_000 - Date.now() + 50);
  rememberUsedStep(owner, step);
  return totpCode(secret, step);
}
