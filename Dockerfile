# Kalends: a CalDAV/CardDAV server where every collection is a Git repository.
#
#   docker build -t kalends .
#   docker run --rm -i -v kalends-data:/data kalends node dist/cli/main.js user add alice --root /data
#   docker run -d -p 8008:8008 -v kalends-data:/data kalends
#
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies, the compiled code, git for maintenance (`git gc`).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY sample-repos ./sample-repos
COPY README.md ./
COPY docs ./docs

# The data root (repositories and htpasswd) lives in a volume owned by the unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8008
CMD ["node", "dist/cli/main.js", "serve", "--root", "/data", "--host", "0.0.0.0", "--htpasswd", "/data/htpasswd"]
