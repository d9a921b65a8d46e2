# syntax=docker/dockerfile:1
# The billing engine's image: built in one stage, run from a slim one with production dependencies only.
#   docker build -t billing-engine .
#   docker run -p 127.0.0.1:3000:3000 -v billing-data:/data -e PERSONAL_DATA_MASTER_KEY=… -e ANCHOR_SIGNING_KEY=… billing-engine
# The base is the Node.js the repository pins (package.json: devDependencies.node and engines).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the only one that would run downloads a second Node (the `node` dev dependency).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
# tsc directly, not `npm run build`: npm scripts would look for that second Node first on the PATH.
RUN node node_modules/typescript/bin/tsc -b tsconfig.build.json
# The browser console (Vite) into dist/console, served by the service under /console.
COPY console ./console
COPY scripts/build-console.mjs ./scripts/build-console.mjs
RUN node scripts/build-console.mjs

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# Production: the personal-data master key and the anchor signing key must be given (never generated).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Code and dependencies stay root's: the service's user reads them and cannot change them.
COPY --from=dependencies --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/src ./dist/src
COPY --from=build --chown=root:root /app/dist/projections ./dist/projections
COPY --from=build --chown=root:root /app/dist/console ./dist/console
COPY --chown=root:root package.json ./
# The only folder the service writes: the event store (SQLite), keys, checkpoints, idempotency records (SQLite).
RUN mkdir -m 0700 /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness; the slim image has no curl, Node's fetch does the same.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As `npm start` (package.json): the V8 heap bound, measured against the memory run (docs/operations.md#memory).
CMD ["node", "--max-old-space-size=320", "--max-semi-space-size=8", "dist/src/main.js"]
