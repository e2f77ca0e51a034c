# shellcheck shell=bash
# Source this file: `source stack/env.sh`. Points the AWS SDKs at the local emulator and the
# console at the local IdP (docs/contract.md). Ports can be overridden before sourcing.
export MOTO_PORT="${MOTO_PORT:-5055}"
export IDP_PORT="${IDP_PORT:-9400}"
export WARDEN_PORT="${WARDEN_PORT:-3000}"
export AWS_ENDPOINT_URL="http://127.0.0.1:${MOTO_PORT}"
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1   # boto3 reads this one, not AWS_REGION
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE
export WARDEN_OIDC_ISSUER="http://127.0.0.1:${IDP_PORT}"
export WARDEN_OIDC_CLIENT_ID=iot-warden-local
export WARDEN_OIDC_CLIENT_SECRET=local-dev-secret-not-for-production
# DynamoDB table of the console's bulk-onboarding jobs (seed.py creates it).
export WARDEN_JOBS_TABLE="${WARDEN_JOBS_TABLE:-iot-warden-onboarding-jobs}"
# DynamoDB table of the console's onboarding profiles (seed.py creates it, with a demo profile).
export WARDEN_PROFILES_TABLE="${WARDEN_PROFILES_TABLE:-iot-warden-onboarding-profiles}"
# DynamoDB table of sessions and live run status, shared by console replicas (seed.py creates it).
export WARDEN_SESSIONS_TABLE="${WARDEN_SESSIONS_TABLE:-iot-warden-sessions}"
