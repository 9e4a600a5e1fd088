#!/usr/bin/env bash
# status warns a month before the refresh token's 6-month expiry, and says
# it has most likely expired after it. The test moves the authorisation
# time in the account file instead of waiting months.
. "$(dirname "$0")/lib.sh"
start_sim --seed 5
check "auth" authorize main
sl status >"$T/s0" 2>&1
check "a fresh token: no warning" bash -c "! grep -q 'warning:' '$T/s0'"
check "its age is shown" grep -q "authorised: .*(0 days ago)" "$T/s0"
token_age main 160
sl status >"$T/s1" 2>&1
check "at 160 days: expires in about 22 days" grep -q "warning: .*expires about 6 months after authorisation (in 2[0-9] days)" "$T/s1"
token_age main 200
sl status >"$T/s2" 2>&1
check "at 200 days: most likely expired" grep -q "warning: .*has most likely expired" "$T/s2"
check "and says how to fix it" grep -q "spinlog auth --account main" "$T/s2"
done_testing
