# memtrace-ioc: a standalone IOC serving its own process, or a base to copy a service into.
# Build: docker build -t memtrace-ioc .
# Run:   docker run --rm -p 5064:5064/tcp -p 5064:5064/udp memtrace-ioc --prefix APP:
# With a configuration of your own (mounted read-only; dumps kept in a volume):
#        docker run --rm -v "$PWD/ioc.config.json:/config/ioc.config.json:ro" -v memtrace-dumps:/app/dumps \
#          -p 5064:5064/tcp -p 5064:5064/udp memtrace-ioc --config /config/ioc.config.json

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm install --no-audit --no-fund
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY records ./records
COPY ioc.config.json ./
# TraceDump writes here: the only place the non-root user may write.
RUN mkdir -p /app/dumps && chown node:node /app/dumps
USER node
# CA: TCP and UDP search on 5064, beacons to 5065.
EXPOSE 5064/tcp 5064/udp 5065/udp
VOLUME ["/app/dumps"]
ENTRYPOINT ["node", "dist/ioc/cli.js"]
# The built-in defaults serve every interface of the container (the repository's ioc.config.json
# keeps to loopback, for `npm start`); pass --config to use a mounted file.
CMD []
