# Earworm service image (CPU onnxruntime; see README for the CUDA execution provider on GPU hosts).
FROM node:20-bookworm
ENV ONNXRUNTIME_NODE_INSTALL=skip npm_config_nodedir=/usr/local NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --omit=dev
COPY . .
USER node
CMD ["node", "bin/earworm.mjs", "start"]
