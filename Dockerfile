# syntax=docker/dockerfile:1
# Build stage: type-check and bundle with esbuild (dev dependencies); bullmq and ioredis stay external.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled code only, run as the unprivileged node user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
# tini is PID 1: it passes signals on to Node and reaps the children that pre-flight commands leave.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY examples ./examples
# The sandbox copies the example workspace here when MEC_WORKSPACE is unset.
RUN mkdir -p /app/.mec-sandbox && chown node:node /app/.mec-sandbox
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
