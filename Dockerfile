# memtrace-ioc: a standalone IOC serving its own process, or a base to copy a service into.
# Build: docker build -t memtrace-ioc .
# Run:   see the README (Container): the ports, the EPICS_CAS_* / EPICS_PVAS_* variables, the /data volume.
# .ci/container-check runs these build steps without Docker, as a non-root user, and checks the result.

FROM node:20-bookworm-slim AS build
# Built as the image's non-root user, as it will run.
USER node
RUN mkdir -p /home/node/app
WORKDIR /home/node/app
COPY --chown=node:node package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY --chown=node:node src ./src
# The local package that package.json's "overrides" puts in place of utf-8-validate (see the README's Set-up).
COPY --chown=node:node overrides ./overrides
# The locked versions, without install scripts: the image needs none.
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# The PV the health check reads, and where: set MEMTRACE_HEALTH_PV with --prefix, and
# MEMTRACE_HEALTH_HOST when EPICS_CAS_INTF_ADDR_LIST leaves loopback out.
ENV MEMTRACE_HEALTH_PV=MEMTRACE:HEARTBEAT
ENV MEMTRACE_HEALTH_HOST=127.0.0.1
WORKDIR /app
COPY --from=build /home/node/app/package.json /home/node/app/package-lock.json ./
COPY --from=build /home/node/app/node_modules ./node_modules
COPY --from=build /home/node/app/dist ./dist
COPY records ./records
COPY docker/ioc.config.json ./docker/
# Dumps (/data/dumps) and autosave files (/data/autosave, made at start) go to /data: the only place the non-root user may write.
RUN mkdir -p /data/dumps && chown -R node:node /data
USER node
VOLUME ["/data"]
# CA: TCP and UDP search on 5064, beacons to 5065. pvAccess: TCP on 5075, UDP search on 5076.
EXPOSE 5064/tcp 5064/udp 5065/udp 5075/tcp 5076/udp
HEALTHCHECK --interval=30s --timeout=10s --start-period=15s --retries=3 \
  CMD node dist/ioc/healthcheck.js "$MEMTRACE_HEALTH_PV" --host "$MEMTRACE_HEALTH_HOST" --timeout 5
ENTRYPOINT ["node", "dist/ioc/cli.js"]
CMD ["--config", "docker/ioc.config.json"]
