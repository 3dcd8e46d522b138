/**
 * Records the application keeps around the pure domain: an account with its bridge settings and bookkeeping.
 */
import type { AccountConfig, Subscription } from '../domain';

/** How execution reaches the account's terminal. Credentials only by reference to a secret. */
export interface BridgeSettings {
  readonly kind: 'METAAPI' | 'SIMULATOR';
  readonly metaapiAccountId: string;
  readonly region: string;
  readonly baseUrl: string;
  readonly failoverBaseUrl: string;
  /** Name of the secret that holds the credentials; never the credentials. */
  readonly credentialsSecretRef: string;
}

/** A stored account: the domain configuration plus what the risk service keeps for others. */
export interface AccountRecord extends AccountConfig {
  readonly displayName: string;
  readonly brokerLogin: string;
  readonly brokerServer: string;
  readonly bridge: BridgeSettings;
  readonly magicNumber: number;
  readonly configVersion: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A stored subscription. */
export interface SubscriptionRecord extends Subscription {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
