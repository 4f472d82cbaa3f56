# syntax=docker/dockerfile:1
#
# The log aggregator backend. Stages:
#   build      all dependencies the compiler needs, then `tsc -b`: the contract package to
#              contract/dist, the backend to backend/dist
#   demo-seed  the build stage plus the demo data generator; docker-compose runs it once to
#              fill the local emulators (never deployed)
#   prod-deps  production dependencies only, pruned of what Node never loads, with the
#              compiled contract and backend
#   runtime    (default target) what a pod runs: Node, production node_modules, dist/
#
# Node 20 matches the version CI tests with (package.json engines: >=20.19); the Alpine variant
# keeps the image small, and the backend has no native modules that would need glibc.

FROM node:20.20.2-alpine AS build
WORKDIR /app
# Lock file and every workspace's package.json first, so the dependency layer is rebuilt only
# when they change. .dockerignore lets through only the package.json of each plugin workspace:
# npm checks the whole workspace set against the lock file even when installing one workspace.
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY plugin/ plugin/
# The root workspace carries the compiler; scripts are skipped because nothing the backend
# uses builds native code, and the root's test tools would try to. The contract workspace is
# linked into node_modules as a dependency of the backend.
RUN npm ci --workspace backend --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY contract/tsconfig.json contract/
COPY contract/src contract/src
COPY backend/tsconfig.json backend/tsconfig.build.json backend/
COPY backend/src backend/src
# `tsc -b` builds the contract (a project reference) before the backend.
RUN npm run build --workspace backend

FROM build AS demo-seed
# The generator and seeding code `npm run demo` uses; docker-compose passes the script to run.
COPY local/seed.ts local/
COPY local/demo-data/dataset.ts local/demo-data/random.ts local/demo-data/
USER node

FROM node:20.20.2-alpine AS prod-deps
# The one tokenizer encoding the backend loads: `import … from 'gpt-tokenizer'` is o200k_base,
# whatever OPENAI_MODEL says (tests/deploy/dockerfile.test.ts checks the two agree).
ARG TOKENIZER_ENCODING=o200k_base
WORKDIR /app
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY plugin/ plugin/
# Then prune what Node never loads: gpt-tokenizer's other encodings, its CommonJS, UMD and
# TypeScript copies and its tests; type declarations, source maps and TypeScript sources of every
# package (the backend's own maps, in dist/, stay for --enable-source-maps). README.md, "Docker
# image", has the sizes.
RUN npm ci --omit=dev --workspace backend --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force \
  && cd node_modules/gpt-tokenizer \
  && rm -rf cjs dist src data esm/fixtures esm/codegen \
  && find esm -name '*.test.js' -delete \
  && find esm/bpeRanks esm/encoding -type f ! -name "${TOKENIZER_ENCODING}.*" -delete \
  && test -f "esm/encoding/${TOKENIZER_ENCODING}.js" \
  && cd /app \
  && find /app -path '*/node_modules/*' -type f \
    \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete
# node_modules/@gpt-runner-logs/contract links to contract/, whose package.json points at dist/.
COPY --from=build /app/contract/dist contract/dist
COPY --from=build /app/backend/dist backend/dist

FROM node:20.20.2-alpine AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Everything stays owned by root and read-only to the process, so the container also runs with
# a read-only root filesystem. Copied whole because npm nests some backend dependencies under
# backend/node_modules when their versions differ from the hoisted ones.
COPY --from=prod-deps /app /app
WORKDIR /app/backend
# The `node` user of the base image, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# No curl or wget needed: Node's fetch asks /healthz (Kubernetes uses its own probes instead).
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, Node itself as PID 1: SIGTERM from `docker stop` or the kubelet reaches the
# backend's handler, which fails readiness and drains in-flight requests (SHUTDOWN_TIMEOUT_MS).
# A shell or `npm start` in between would swallow or delay the signal.
ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]
