// Web Push (docs/api.md "Push"): the server's VAPID key and this account's devices.
import { request } from './client'

export function getPushKey(): Promise<{ public_key: string }> {
  return request('GET', '/push/key')
}

export interface PushDevice {
  endpoint: string
  user_agent: string
  this_session: boolean
  created_at: string
}

export function getPushSubscriptions(): Promise<{ subscriptions: PushDevice[] }> {
  return request('GET', '/push/subscriptions')
}

/** A browser's PushSubscription.toJSON(). */
export function addPushSubscription(subscription: PushSubscriptionJSON): Promise<{ endpoint: string }> {
  return request('POST', '/push/subscriptions', subscription)
}

export function removePushSubscription(endpoint: string): Promise<void> {
  return request('DELETE', '/push/subscriptions', { endpoint })
}
