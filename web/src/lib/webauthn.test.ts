import { describe, expect, it } from 'vitest'
import { assertionJson, creationOptions, fromBase64url, passkeyFailure, registrationJson, requestOptions, toBase64url } from './webauthn'

const bytes = (...b: number[]) => new Uint8Array(b)

describe('passkeys in the browser: framing only', () => {
  it('base64url without padding both ways, for every length', () => {
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 251) % 256)
      const text = toBase64url(b)
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
      expect(Array.from(fromBase64url(text))).toEqual(Array.from(b))
    }
    // The challenge of the recorded Chromium ceremony (src/pass/webauthn_test.cpp).
    expect(toBase64url(new Uint8Array(32).fill(1))).toBe('AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE')
    expect(toBase64url(bytes(0xfb, 0xff))).toBe('-_8')
  })

  it("turns the server's options into what navigator.credentials takes", () => {
    const create = creationOptions({
      challenge: 'AQID',
      rp: { id: 'live.test', name: 'CareLive Pass' },
      user: { id: 'BAUG', name: 'kuma@example.jp', displayName: '駿河 花子' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ type: 'public-key', id: 'BwgJ' }],
      attestation: 'none',
    })
    expect(Array.from(create.challenge as Uint8Array)).toEqual([1, 2, 3])
    expect(Array.from(create.user.id as Uint8Array)).toEqual([4, 5, 6])
    expect(Array.from(create.excludeCredentials![0]!.id as Uint8Array)).toEqual([7, 8, 9])
    expect(create.rp).toEqual({ id: 'live.test', name: 'CareLive Pass' })
    const get = requestOptions({ challenge: 'AQID', rpId: 'live.test', userVerification: 'required' })
    expect(get.allowCredentials).toEqual([])
    expect(get.userVerification).toBe('required')
  })

  it("sends the browser's answer back as base64url members", () => {
    const buffer = (...b: number[]) => bytes(...b).buffer
    const registration = registrationJson({
      id: 'abc',
      response: { clientDataJSON: buffer(1), attestationObject: buffer(2, 3) },
    } as unknown as PublicKeyCredential)
    expect(registration).toEqual({ id: 'abc', client_data_json: 'AQ', attestation_object: 'AgM' })
    const assertion = assertionJson({
      id: 'abc',
      response: { clientDataJSON: buffer(1), authenticatorData: buffer(2), signature: buffer(3), userHandle: null },
    } as unknown as PublicKeyCredential)
    expect(assertion).toEqual({ id: 'abc', client_data_json: 'AQ', authenticator_data: 'Ag', signature: 'Aw', user_handle: null })
  })

  it('names why the dialog ended without a passkey', () => {
    expect(passkeyFailure(new DOMException('closed', 'NotAllowedError'))).toBe('passkey.cancelled')
    expect(passkeyFailure(new DOMException('there', 'InvalidStateError'))).toBe('passkey.alreadyHere')
    expect(passkeyFailure(new Error('?'))).toBe('passkey.failed')
  })
})
