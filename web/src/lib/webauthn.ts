// Passkeys in the browser (SPEC 15): the server's options (binary members as base64url text)
// into what navigator.credentials takes, and its answer back into JSON. The checks are the
// server's; here is only the framing.

/** The options as the server sends them (docs/api.md): base64url where WebAuthn wants bytes. */
export interface CreationOptionsJson {
  challenge: string
  rp: { id: string; name: string }
  user: { id: string; name: string; displayName: string }
  pubKeyCredParams: { type: 'public-key'; alg: number }[]
  timeout?: number
  excludeCredentials?: { type: 'public-key'; id: string }[]
  authenticatorSelection?: AuthenticatorSelectionCriteria
  attestation?: AttestationConveyancePreference
}

export interface RequestOptionsJson {
  challenge: string
  rpId: string
  timeout?: number
  allowCredentials?: { type: 'public-key'; id: string }[]
  userVerification?: UserVerificationRequirement
}

export interface RegistrationJson {
  id: string
  client_data_json: string
  attestation_object: string
}

export interface AssertionJson {
  id: string
  client_data_json: string
  authenticator_data: string
  signature: string
  user_handle: string | null
}

export function toBase64url(bytes: ArrayBuffer | ArrayBufferView): string {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let binary = ''
  for (const b of view) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  const out = new Uint8Array(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

const descriptor = (d: { type: 'public-key'; id: string }): PublicKeyCredentialDescriptor => ({ type: d.type, id: fromBase64url(d.id) })

export function creationOptions(o: CreationOptionsJson): PublicKeyCredentialCreationOptions {
  return {
    ...o,
    challenge: fromBase64url(o.challenge),
    user: { ...o.user, id: fromBase64url(o.user.id) },
    excludeCredentials: (o.excludeCredentials ?? []).map(descriptor),
  }
}

export function requestOptions(o: RequestOptionsJson): PublicKeyCredentialRequestOptions {
  return { ...o, challenge: fromBase64url(o.challenge), allowCredentials: (o.allowCredentials ?? []).map(descriptor) }
}

export function registrationJson(cred: PublicKeyCredential): RegistrationJson {
  const r = cred.response as AuthenticatorAttestationResponse
  return { id: cred.id, client_data_json: toBase64url(r.clientDataJSON), attestation_object: toBase64url(r.attestationObject) }
}

export function assertionJson(cred: PublicKeyCredential): AssertionJson {
  const r = cred.response as AuthenticatorAssertionResponse
  return {
    id: cred.id,
    client_data_json: toBase64url(r.clientDataJSON),
    authenticator_data: toBase64url(r.authenticatorData),
    signature: toBase64url(r.signature),
    user_handle: r.userHandle ? toBase64url(r.userHandle) : null,
  }
}

/** Whether this browser has passkeys at all (old phones may not). */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && !!navigator.credentials
}

/** Why the browser's passkey dialog ended without one, as a message key (the person closed it
 * or let it time out; the passkey is on this device already; anything else). */
export function passkeyFailure(e: unknown): 'passkey.cancelled' | 'passkey.alreadyHere' | 'passkey.failed' {
  const name = e instanceof DOMException || e instanceof Error ? e.name : ''
  if (name === 'NotAllowedError' || name === 'AbortError') return 'passkey.cancelled'
  if (name === 'InvalidStateError') return 'passkey.alreadyHere'
  return 'passkey.failed'
}

/** navigator.credentials.create with the server's options; the answer as JSON for the server. */
export async function createPasskey(options: CreationOptionsJson): Promise<RegistrationJson> {
  const cred = (await navigator.credentials.create({ publicKey: creationOptions(options) })) as PublicKeyCredential | null
  if (!cred) throw new DOMException('no credential', 'NotAllowedError')
  return registrationJson(cred)
}

export async function getPasskey(options: RequestOptionsJson): Promise<AssertionJson> {
  const cred = (await navigator.credentials.get({ publicKey: requestOptions(options) })) as PublicKeyCredential | null
  if (!cred) throw new DOMException('no credential', 'NotAllowedError')
  return assertionJson(cred)
}
