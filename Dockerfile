# IoT Warden: build with cargo-leptos, run the binary and the site on a slim image as a
# non-root user. Configuration comes from the environment (see README, "Configuration").

# ---- build ---------------------------------------------------------------------------
FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
# Tools at the versions the project pins (scripts/install-tools.sh explains the pins).
COPY scripts/install-tools.sh scripts/install-tools.sh
RUN SKIP_TEST_TOOLS=1 bash scripts/install-tools.sh
COPY . .
RUN PATH="/src/.tools/node_modules/.bin:$PATH" cargo leptos build --release

# ---- run -----------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app --shell /usr/sbin/nologin warden
WORKDIR /app
COPY --from=build /src/target/release/iot-warden /app/iot-warden
COPY --from=build /src/target/site /app/site
ENV LEPTOS_OUTPUT_NAME=iot-warden \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    WARDEN_LISTEN=0.0.0.0:3000 \
    RUST_LOG=info
USER warden
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
ENTRYPOINT ["/app/iot-warden"]
CMD ["serve"]
