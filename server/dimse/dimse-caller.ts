import type { CallerRights } from './association';
import type { RemoteAeStore } from './remote-ae-store';

const EVERYTHING: CallerRights = { mayStore: true, mayQuery: true, mayRetrieve: true };

/**
 * Who may associate: a known remote AE calling from its host, with its rights; or, with
 * PACS_DIMSE_ACCEPT_ANY (loopback only, config.ts), any calling AE with every right.
 */
export function dimseCaller(remoteAes: RemoteAeStore, acceptAny: boolean) {
  return async (callingAeTitle: string, address: string): Promise<CallerRights | undefined> => {
    const check = await remoteAes.find(callingAeTitle, address);
    if (check.known) return check.remoteAe;
    return acceptAny ? EVERYTHING : undefined;
  };
}
