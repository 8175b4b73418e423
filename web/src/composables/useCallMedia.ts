// Our own camera and microphone in a call: opening them (and why that failed), with voice only
// or nothing when the camera or the microphone is refused, switching each off and on, and
// 「カメラ切替」 between the front and back camera of a phone.
import { computed, ref, shallowRef } from 'vue'
import { mediaConstraints, mediaProblemOf, type MediaMode, type MediaProblem } from '../lib/callMedia'
import type { MediaSignal } from './useCallSignaling'

export type { MediaMode, MediaProblem } from '../lib/callMedia'
export type Facing = '' | 'user' | 'environment'

export interface LocalMediaOptions {
  /** Send `track` as our video on every connection from now on. */
  sendVideo: (track: MediaStreamTrack) => Promise<void>
  /** The microphone or camera was switched on or off: tell the others. */
  changed: () => void
}

export function useCallMedia(o: LocalMediaOptions) {
  const localStream = shallowRef<MediaStream | null>(null)
  const mediaProblem = ref<MediaProblem>('')
  const micOn = ref(true)
  const camOn = ref(true)
  const canSwitchCamera = ref(false)
  /** Whether we send a microphone / a camera at all (not after 「音声のみで参加」 or receive only). */
  const hasMic = computed(() => (localStream.value?.getAudioTracks().length ?? 0) > 0)
  const hasCamera = computed(() => (localStream.value?.getVideoTracks().length ?? 0) > 0)
  /** Which way the camera faces ('' when the device does not say: desktop webcams face the user). */
  const facing = ref<Facing>('')
  /** The last camera switch failed (we went back to the camera before). */
  const cameraProblem = ref(false)
  let cameraIds: string[] = []

  /** Camera and microphone (`mode` full), the microphone alone (audio) or nothing (none: we
   * only see and hear the others) for a call; false (and `mediaProblem` says why) when refused. */
  async function open(mode: MediaMode = 'full'): Promise<boolean> {
    mediaProblem.value = ''
    cameraProblem.value = false
    canSwitchCamera.value = false
    const wanted = mediaConstraints(mode)
    try {
      localStream.value = wanted ? await navigator.mediaDevices.getUserMedia(wanted) : new MediaStream()
    } catch (e) {
      mediaProblem.value = mediaProblemOf(e, mode)
      return false
    }
    micOn.value = hasMic.value
    camOn.value = hasCamera.value
    await lookAtCameras()
    return true
  }

  /** The call this problem was about is over (or another began): nothing to explain any more. */
  function clearProblem(): void {
    mediaProblem.value = ''
  }

  function stop(): void {
    for (const track of localStream.value?.getTracks() ?? []) track.stop()
    localStream.value = null
  }

  /** What we tell the others of our camera and microphone (docs/api.md). */
  function mediaState(): MediaSignal {
    return { camera: camOn.value && hasCamera.value, mic: micOn.value && hasMic.value }
  }

  function toggleMic(): void {
    if (!hasMic.value) return
    micOn.value = !micOn.value
    for (const t of localStream.value?.getAudioTracks() ?? []) t.enabled = micOn.value
    o.changed()
  }

  function toggleCam(): void {
    if (!hasCamera.value) return
    camOn.value = !camOn.value
    for (const t of localStream.value?.getVideoTracks() ?? []) t.enabled = camOn.value
    o.changed()
  }

  /** Whether there is another camera to switch to. enumerateDevices() lists every camera on
   * most phones once permission is granted; some (older iPhones in particular) list one
   * device but switch with facingMode, and those report which way the open camera faces in
   * getCapabilities(). A desktop webcam reports neither, so it shows no switch. */
  async function lookAtCameras(): Promise<void> {
    const track = localStream.value?.getVideoTracks()[0]
    if (!track) return
    try {
      cameraIds = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.deviceId)
    } catch {
      cameraIds = []
    }
    const faces = track.getCapabilities?.().facingMode ?? []
    facing.value = (track.getSettings().facingMode as Facing | undefined) ?? ''
    canSwitchCamera.value = cameraIds.length >= 2 || faces.length > 0
  }

  /** 「カメラ切替」: open the next camera and send it instead of the current one. */
  async function switchCamera(): Promise<void> {
    const old = localStream.value?.getVideoTracks()[0]
    if (!old) return
    cameraProblem.value = false
    const was = old.getSettings()
    let wanted: MediaTrackConstraints
    if (cameraIds.length >= 2) {
      const at = cameraIds.indexOf(was.deviceId ?? '')
      wanted = { deviceId: { exact: cameraIds[(at + 1) % cameraIds.length]! } }
    } else {
      wanted = { facingMode: { exact: facing.value === 'environment' ? 'user' : 'environment' } }
    }
    // Many phones cannot open a second camera while the first is still open: close it first.
    old.stop()
    try {
      const next = (await navigator.mediaDevices.getUserMedia({ video: wanted })).getVideoTracks()[0]!
      await useVideoTrack(next)
    } catch {
      cameraProblem.value = true
      try {
        const back = was.deviceId ? { deviceId: { exact: was.deviceId } } : true
        await useVideoTrack((await navigator.mediaDevices.getUserMedia({ video: back })).getVideoTracks()[0]!)
      } catch {
        // no camera at all now; the microphone goes on
      }
    }
  }

  /** Send `track` as our video from now on, on every connection, without renegotiating
   * (RTCRtpSender.replaceTrack): the camera on/off state carries over, the preview follows,
   * and it is mirrored only for a camera that faces the user. */
  async function useVideoTrack(track: MediaStreamTrack, facingHint?: 'user' | 'environment'): Promise<void> {
    track.enabled = camOn.value
    const stream = localStream.value
    const old = stream?.getVideoTracks()[0]
    await o.sendVideo(track)
    localStream.value = new MediaStream([...(stream?.getAudioTracks() ?? []), track])
    if (old && old !== track) old.stop()
    facing.value = facingHint ?? ((track.getSettings().facingMode as Facing | undefined) ?? '')
  }

  return {
    localStream, mediaProblem, micOn, camOn, hasMic, hasCamera, canSwitchCamera, facing, cameraProblem,
    open, clearProblem, stop, mediaState, toggleMic, toggleCam, switchCamera, useVideoTrack,
  }
}
