# Earworm service and worker image (CPU onnxruntime; see README "Operations" for the CUDA execution provider on GPU
# hosts: build with --build-arg ONNXRUNTIME_NODE_INSTALL=cuda12 on a CUDA 12 + cuDNN 9 base).
FROM node:20-bookworm
ARG ONNXRUNTIME_NODE_INSTALL=skip
ENV ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL} npm_config_nodedir=/usr/local NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --omit=dev
COPY . .
# The state volume (EARWORM_HOME) is created owned by the unprivileged user, so a fresh named volume is writable.
RUN mkdir -p /var/lib/earworm && chown node:node /var/lib/earworm
USER node
EXPOSE 8080
CMD ["node", "bin/earworm.mjs", "start"]
