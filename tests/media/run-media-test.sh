#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-media-test.sh PROGRAM [ARGS...]
#
# Runs PROGRAM (a media test or the benchmark) the way every WebRTC media run must run here:
# inside a loopback-only network namespace (ICE never sees a real interface) with a private
# PulseAudio that offers these devices:
#   speakers (null sinks): spk ("TestSpeaker", the default), spk_a, spk_b, spk_c
#   microphone: mic ("TestMic", the default): a 440 Hz sine (module-sine) played into the null
#     sink micfeed, whose monitor module-remap-source offers as a source. (module-sine-source
#     delivers in blocks of seconds to low-latency clients such as pulsesrc: useless for calls.)
# Everything it starts it stops again, by PID. Exit status: PROGRAM's.

set -u

if [ -z "${TR_MEDIA_NETNS:-}" ]; then
  export TR_MEDIA_NETNS=1
  if [ "$(id -u)" -eq 0 ]; then
    exec unshare -n -- "$0" "$@"
  else
    exec unshare -rn -- "$0" "$@"
  fi
fi

ip link set lo up || { echo "Bail out! cannot bring lo up in the namespace"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/transfer-media.XXXXXX")
chmod 0700 "$T"
export HOME="$T" XDG_RUNTIME_DIR="$T" PULSE_SERVER="unix:$T/native"
# A private registry cache, so runs do not depend on (or write to) the user's.
export GST_REGISTRY="$T/gst-registry.bin"
# Never the PipeWire device provider in tests (session bus, duplicates, crashes on exit).
export GST_PLUGIN_FEATURE_RANK="pipewiredeviceprovider:NONE,${GST_PLUGIN_FEATURE_RANK:-}"
export TRANSFER_MEDIA=1 TRANSFER_ICE_LOOPBACK=1
# Under AddressSanitizer: GStreamer makes GLib leak on purpose in places that only slow
# unwinding can match against tools/lsan.supp (too slow for the rest of the suite).
if [ -n "${ASAN_OPTIONS:-}" ]; then
  export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
fi
unset DBUS_SESSION_BUS_ADDRESS

# --exit-idle-time: should this script be killed before its cleanup runs, the server still goes
# away by itself once its last client (the program) is gone.
pulseaudio -n --daemonize=no --exit-idle-time=20 --use-pid-file=no --disable-shm=yes \
  --log-target=file:"$T/pulseaudio.log" \
  -L "module-native-protocol-unix socket=$T/native auth-anonymous=1" \
  -L "module-null-sink sink_name=spk sink_properties=device.description=TestSpeaker" \
  -L "module-null-sink sink_name=spk_a sink_properties=device.description=SpeakerA" \
  -L "module-null-sink sink_name=spk_b sink_properties=device.description=SpeakerB" \
  -L "module-null-sink sink_name=spk_c sink_properties=device.description=SpeakerC" \
  -L "module-null-sink sink_name=micfeed sink_properties=device.description=MicFeed" \
  -L "module-sine sink=micfeed frequency=440" \
  -L "module-remap-source master=micfeed.monitor source_name=mic source_properties=device.description=TestMic" \
  >/dev/null 2>&1 &
PA_PID=$!

cleanup () {
  kill "$PA_PID" 2>/dev/null
  wait "$PA_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT HUP INT PIPE TERM

i=0
until pactl info >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$PA_PID" 2>/dev/null; then
    echo "Bail out! the private PulseAudio did not start"
    cat "$T/pulseaudio.log" >&2 2>/dev/null
    exit 1
  fi
  sleep 0.05
done
pactl set-default-sink spk >/dev/null
pactl set-default-source mic >/dev/null

"$@"
rc=$?
exit $rc
